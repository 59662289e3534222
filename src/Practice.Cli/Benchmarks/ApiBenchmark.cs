using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Practice.Cli.Commands;
using Practice.ServiceDefaults;
using Spectre.Console;

namespace Practice.Cli.Benchmarks;

internal sealed record ApiBenchSettings(Uri Url, int Clients, TimeSpan Duration, string ConnectionString);

internal sealed record LatencySummary(long Requests, long Failed, TimeSpan Elapsed, double P50, double P95, double P99, double Max)
{
    public double Rate => (Requests - Failed) / Elapsed.TotalSeconds;
}

/// <summary>
/// Bookings through a running Operations API (HTTP, auth, command bus, store) against the raw-Npgsql floor:
/// the three rows a booking appends, inserted in one statement. Each path runs alone, after a warm-up.
/// </summary>
internal sealed class ApiBenchmark(ApiBenchSettings settings)
{
    private const string RawSchema = "bench_api";
    private const int RowsPerBooking = 3;
    private const int BookingMinutes = 15;
    private static readonly TimeSpan SlotStep = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProgressRefresh = TimeSpan.FromMilliseconds(250);
    private static readonly JsonSerializerOptions Json = CliShared.ApiJson;

    private string? _firstError;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Console.IsOutputRedirected)
        {
            // Logs and files would otherwise get the final table wrapped at 80 columns.
            AnsiConsole.Profile.Width = 140;
        }
        var tenant = $"bench-{Guid.NewGuid().ToString("N")[..8]}";
        AnsiConsole.MarkupLine($"[bold]practice bench api[/]: {settings.Clients} clients, {settings.Duration.TotalSeconds:0} s per path " +
            $"(+{WarmUp.TotalSeconds:0} s warm-up), {Markup.Escape(settings.Url.ToString())}, tenant [blue]{tenant}[/], " +
            $"raw table [blue]{RawSchema}.raw_events[/] (dropped first), {Environment.ProcessorCount} cores.");

        using var http = new HttpClient { BaseAddress = settings.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            TokenIssuer.Issue(CliSettings.Jwt, tenant, Roles.Manager, $"bench-manager@{tenant}", TimeSpan.FromMinutes(10) + (3 * settings.Duration)));
        var clinic = await ArrangeAsync(http, cancellationToken);
        AnsiConsole.MarkupLine($"Arranged: organisation, UTC location open 00:00-23:59, {settings.Clients} rooms and deep-tissue therapists, one consenting client.");

        await using var admin = NpgsqlDataSource.Create(settings.ConnectionString);
        await using (var command = admin.CreateCommand($"DROP SCHEMA IF EXISTS {RawSchema} CASCADE; CREATE SCHEMA {RawSchema}"))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var raw = new RawEventWriter(settings.ConnectionString, RawSchema);
        await raw.CreateTableAsync(CliSettings.Schema, cancellationToken);

        // Slots continue across warm-up and measurement, so no booking ever meets an earlier one.
        var firstSlot = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero);
        var nextSlot = new int[settings.Clients];
        var cursors = Enumerable.Range(0, settings.Clients).Select(client => new StreamCursor("api-raw", client)).ToArray();

        LatencySummary? api = null;
        LatencySummary? baseline = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                api = await RunPathAsync(progress, "HTTP POST /api/appointments", async (client, log) =>
                {
                    var (therapist, room) = clinic.Lanes[client];
                    var start = firstSlot + (SlotStep * nextSlot[client]++);
                    var body = new { locationId = clinic.LocationId, roomId = room, therapistId = therapist, clientId = clinic.ClientId, modality = "deep-tissue", start, durationMinutes = BookingMinutes };
                    var started = Stopwatch.GetTimestamp();
                    using var response = await http.PostAsJsonAsync("/api/appointments", body, Json, cancellationToken);
                    log.Record(client, Stopwatch.GetElapsedTime(started));
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        log.Fail();
                        Interlocked.CompareExchange(ref _firstError, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}", null);
                    }
                }, cancellationToken);
                baseline = await RunPathAsync(progress, $"raw Npgsql, {RowsPerBooking} rows/tx", async (client, log) =>
                {
                    var cursor = cursors[client];
                    var started = Stopwatch.GetTimestamp();
                    await raw.InsertAsync(cursor.StreamId, cursor.Version + 1, BenchEvents.Create(RowsPerBooking, cursor.Appended), cancellationToken);
                    log.Record(client, Stopwatch.GetElapsedTime(started));
                    cursor.Advance(RowsPerBooking);
                }, cancellationToken);
            });

        Print(api!, baseline!);
    }

    private sealed record Clinic(Guid LocationId, Guid ClientId, (Guid Therapist, Guid Room)[] Lanes);

    private async Task<Clinic> ArrangeAsync(HttpClient http, CancellationToken ct)
    {
        await Post(http, "/api/organisation", new { name = "Bench Clinic" }, null, ct);
        var allDay = Enum.GetValues<DayOfWeek>().Select(day => new { day, from = new TimeOnly(0, 0), to = new TimeOnly(23, 59) }).ToArray();
        var locationId = await Post(http, "/api/locations", new
        {
            name = "Bench Location", timeZoneId = "UTC", jurisdiction = "CA-ON",
            address = new { street = "1 Bench St", city = "Toronto", region = "ON", postalCode = "M5J 2Y5", country = "CA" },
        }, "locationId", ct);
        await Put(http, $"/api/locations/{locationId}/opening-hours", new { hours = allDay }, ct);

        var lanes = new (Guid Therapist, Guid Room)[settings.Clients];
        for (var client = 0; client < settings.Clients; client++)
        {
            var room = await Post(http, $"/api/locations/{locationId}/rooms", new { name = $"Room {client + 1}" }, "roomId", ct);
            var therapist = await Post(http, "/api/therapists", new { name = $"Therapist {client + 1}", locationIds = new[] { locationId } }, "therapistId", ct);
            await Put(http, $"/api/therapists/{therapist}/modalities", new { modalities = new[] { "deep-tissue" } }, ct);
            await Put(http, $"/api/therapists/{therapist}/working-hours", new { hours = allDay }, ct);
            lanes[client] = (therapist, room);
        }

        var clientId = await Post(http, "/api/clients", new { name = "Bench Client", dateOfBirth = new DateOnly(1980, 1, 1) }, "clientId", ct);
        await Post(http, $"/api/clients/{clientId}/consents", new { scope = "treatment", written = true }, null, ct);
        return new Clinic(locationId, clientId, lanes);
    }

    private static async Task<Guid> Post(HttpClient http, string path, object body, string? idProperty, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(path, body, Json, ct);
        await Ensure(response, $"POST {path}", ct);
        return idProperty is null ? Guid.Empty : (await response.Content.ReadFromJsonAsync<JsonElement>(Json, ct)).GetProperty(idProperty).GetGuid();
    }

    private static async Task Put(HttpClient http, string path, object body, CancellationToken ct)
    {
        using var response = await http.PutAsJsonAsync(path, body, Json, ct);
        await Ensure(response, $"PUT {path}", ct);
    }

    private static async Task Ensure(HttpResponseMessage response, string what, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private async Task<LatencySummary> RunPathAsync(ProgressContext progress, string label, Func<int, LatencyLog, Task> once, CancellationToken ct)
    {
        var task = progress.AddTask($"{label}: warm-up", maxValue: settings.Duration.TotalSeconds);
        await DriveAsync(WarmUp, once, new LatencyLog(settings.Clients), _ => { }, ct);
        var log = new LatencyLog(settings.Clients);
        var elapsed = await DriveAsync(settings.Duration, once, log, seconds =>
        {
            task.Value = seconds;
            task.Description = $"{label}: {log.Requests:N0} requests, {log.Failed:N0} failed";
        }, ct);
        task.Value = task.MaxValue;
        task.StopTask();
        return log.Summarise(elapsed);
    }

    /// <summary>One loop per client until the time is up; in-flight requests finish and count, so elapsed includes them.</summary>
    private async Task<TimeSpan> DriveAsync(TimeSpan length, Func<int, LatencyLog, Task> once, LatencyLog log, Action<double> refresh, CancellationToken ct)
    {
        var run = new ThroughputRun();
        var started = Stopwatch.GetTimestamp();
        var clients = Enumerable.Range(0, settings.Clients).Select(client => Task.Run(async () =>
        {
            while (!run.Stopping)
            {
                await once(client, log);
            }
        }, ct)).ToArray();
        try
        {
            while (Stopwatch.GetElapsedTime(started) is var elapsed && elapsed < length && !clients.Any(c => c.IsCompleted))
            {
                await Task.Delay(TimeSpan.FromTicks(Math.Min(ProgressRefresh.Ticks, (length - elapsed).Ticks)), ct);
                refresh(Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
        }
        finally
        {
            run.Stop();
            await Task.WhenAll(clients);
        }
        return Stopwatch.GetElapsedTime(started);
    }

    private void Print(LatencySummary api, LatencySummary baseline)
    {
        var table = new Table().Title("[bold]practice bench api[/]")
            .AddColumns("Path", "Requests", "Failed", "Bookings/s", "p50 ms", "p95 ms", "p99 ms", "max ms");
        foreach (var (label, summary) in new[] { ("HTTP POST /api/appointments", api), ($"raw Npgsql, {RowsPerBooking} rows/tx", baseline) })
        {
            table.AddRow(Markup.Escape(label), Count(summary.Requests), summary.Failed == 0 ? "0" : $"[red]{Count(summary.Failed)}[/]",
                summary.Rate.ToString("N0", CultureInfo.InvariantCulture), CliShared.Ms(summary.P50), CliShared.Ms(summary.P95), CliShared.Ms(summary.P99), CliShared.Ms(summary.Max));
        }
        AnsiConsole.Write(table);
        var ratio = baseline.Rate > 0 ? api.Rate / baseline.Rate : double.NaN;
        AnsiConsole.MarkupLine($"Throughput HTTP/raw: [bold]{ratio.ToString("0.000", CultureInfo.InvariantCulture)}[/]");
        if (_firstError is { } error)
        {
            AnsiConsole.MarkupLine($"[red]First non-201 answer[/] {Markup.Escape(error)}");
        }
    }

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>One path's latencies: a list per client, so recording takes no lock.</summary>
    private sealed class LatencyLog(int clients)
    {
        private readonly List<double>[] _perClient = [.. Enumerable.Range(0, clients).Select(_ => new List<double>())];
        private long _requests;
        private long _failed;

        public long Requests => Interlocked.Read(ref _requests);
        public long Failed => Interlocked.Read(ref _failed);

        public void Record(int client, TimeSpan latency)
        {
            _perClient[client].Add(latency.TotalMilliseconds);
            Interlocked.Increment(ref _requests);
        }

        public void Fail() => Interlocked.Increment(ref _failed);

        public LatencySummary Summarise(TimeSpan elapsed)
        {
            var sorted = _perClient.SelectMany(l => l).Order().ToList();
            return new LatencySummary(Requests, Failed, elapsed, CliShared.Percentile(sorted, 0.50), CliShared.Percentile(sorted, 0.95), CliShared.Percentile(sorted, 0.99),
                sorted.Count == 0 ? double.NaN : sorted[^1]);
        }
    }
}
