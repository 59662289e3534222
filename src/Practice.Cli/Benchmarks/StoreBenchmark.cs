using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using Practice.EventStore;
using Spectre.Console;

namespace Practice.Cli.Benchmarks;

/// <summary>
/// Runs every phase of `bench store` against the real database, in one run: append throughput through
/// the store and through raw Npgsql, async projection lag at a paced rate, and a projection rebuild.
/// </summary>
internal sealed class StoreBenchmark(BenchSettings settings)
{
    private const int SingleEvent = 1;
    private const int TenEvents = 10;
    private const int RebuildStreamsPerTransaction = 10;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProgressRefresh = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan PacingTick = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromMinutes(10);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Console.IsOutputRedirected)
        {
            // Logs and files would otherwise get the final tables wrapped at 80 columns.
            AnsiConsole.Profile.Width = 140;
        }
        AnsiConsole.MarkupLine($"[bold]practice bench store[/]: {settings.Writers} writers, {settings.PhaseDuration.TotalSeconds:0} s per phase " +
            $"(+{WarmUp.TotalSeconds:0} s warm-up), lag at {settings.LagRate:N0} events/s, rebuild of {settings.RebuildEvents:N0} events, " +
            $"{Environment.ProcessorCount} cores, schemas [blue]{settings.Schema}[/] and [blue]{settings.RebuildSchema}[/] (dropped first).");

        await using var admin = NpgsqlDataSource.Create(settings.ConnectionString);
        await ExecuteAsync(admin, $"DROP SCHEMA IF EXISTS {settings.Schema} CASCADE; DROP SCHEMA IF EXISTS {settings.RebuildSchema} CASCADE", cancellationToken);

        var projection = new StreamCountsProjection();
        await using var store = StreamStore.Create(BenchEvents.Options(settings.ConnectionString, settings.Schema, projection));
        await store.MigrateAsync(cancellationToken);
        await using var raw = new RawEventWriter(settings.ConnectionString, settings.Schema);
        await raw.CreateTableAsync(settings.Schema, cancellationToken);

        BenchResults? results = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var single = await CompareThroughputAsync(progress, "A", SingleEvent, store, raw, cancellationToken);
                var ten = await CompareThroughputAsync(progress, "B", TenEvents, store, raw, cancellationToken);
                var lag = await MeasureLagAsync(progress, store, projection, admin, cancellationToken);
                var rebuild = await MeasureRebuildAsync(progress, admin, cancellationToken);
                results = new BenchResults(single, ten, lag, rebuild);
            });

        BenchReport.Print(settings, results!);
    }

    /// <summary>
    /// Store and raw run in alternating one-second slices (store first, then raw first, and so on) after a
    /// warm-up of each, so whatever else the machine does in the meantime weighs on both alike.
    /// </summary>
    private async Task<ThroughputResult> CompareThroughputAsync(
        ProgressContext progress, string phase, int eventsPerTransaction, StreamStore store, RawEventWriter raw, CancellationToken cancellationToken)
    {
        var storeCursors = Cursors($"{phase}-store");
        var rawCursors = Cursors($"{phase}-raw");
        var storePath = new MeasuredPath($"{phase} store, {eventsPerTransaction} event(s)/tx", progress.AddTask($"{phase} store", maxValue: settings.PhaseDuration.TotalSeconds),
            (writer, run) => AppendThroughStoreAsync(store, storeCursors[writer], eventsPerTransaction, run, cancellationToken));
        var rawPath = new MeasuredPath($"{phase} raw,   {eventsPerTransaction} event(s)/tx", progress.AddTask($"{phase} raw", maxValue: settings.PhaseDuration.TotalSeconds),
            (writer, run) => InsertRawAsync(raw, rawCursors[writer], eventsPerTransaction, run, cancellationToken));

        await RunSliceAsync(storePath, WarmUp, measured: false, cancellationToken);
        await RunSliceAsync(rawPath, WarmUp, measured: false, cancellationToken);
        var slices = (int)Math.Ceiling(settings.PhaseDuration / Slice);
        for (var slice = 0; slice < slices; slice++)
        {
            var length = TimeSpan.FromTicks(Math.Min(Slice.Ticks, (settings.PhaseDuration - (Slice * slice)).Ticks));
            var (first, second) = slice % 2 == 0 ? (storePath, rawPath) : (rawPath, storePath);
            await RunSliceAsync(first, length, measured: true, cancellationToken);
            await RunSliceAsync(second, length, measured: true, cancellationToken);
        }
        storePath.Task.StopTask();
        rawPath.Task.StopTask();
        return ThroughputResult.Of(storePath, rawPath);
    }

    private StreamCursor[] Cursors(string phase) => [.. Enumerable.Range(0, settings.Writers).Select(writer => new StreamCursor(phase, writer))];

    private async Task RunSliceAsync(MeasuredPath path, TimeSpan length, bool measured, CancellationToken cancellationToken)
    {
        var run = new ThroughputRun();
        var started = Stopwatch.GetTimestamp();
        var writers = Enumerable.Range(0, settings.Writers).Select(writer => Task.Run(() => path.Write(writer, run), cancellationToken)).ToArray();
        try
        {
            while (Stopwatch.GetElapsedTime(started) is var elapsed && elapsed < length && !writers.Any(w => w.IsCompleted))
            {
                await Task.Delay(TimeSpan.FromTicks(Math.Min(ProgressRefresh.Ticks, (length - elapsed).Ticks)), cancellationToken);
                if (measured)
                {
                    path.Task.Description = $"{path.Label}: {path.Events + run.Events:N0} events";
                }
            }
            if (measured)
            {
                path.Add(run.Events, Stopwatch.GetElapsedTime(started));
                path.Task.Value = path.Elapsed.TotalSeconds;
                path.Task.Description = $"{path.Label}: {path.Events:N0} events, {path.Rate:N0} events/s";
            }
        }
        finally
        {
            run.Stop();
            await Task.WhenAll(writers);
        }
    }

    private static async Task AppendThroughStoreAsync(StreamStore store, StreamCursor cursor, int eventsPerTransaction, ThroughputRun run, CancellationToken cancellationToken)
    {
        while (!run.Stopping)
        {
            await using var session = store.OpenSession(BenchEvents.Tenant);
            session.Append(cursor.StreamId, BenchEvents.StreamType, cursor.Version, BenchEvents.Create(eventsPerTransaction, cursor.Appended));
            await session.SaveChangesAsync(cancellationToken);
            cursor.Advance(eventsPerTransaction);
            run.Committed(eventsPerTransaction);
        }
    }

    private static async Task InsertRawAsync(RawEventWriter raw, StreamCursor cursor, int eventsPerTransaction, ThroughputRun run, CancellationToken cancellationToken)
    {
        while (!run.Stopping)
        {
            await raw.InsertAsync(cursor.StreamId, cursor.Version + 1, BenchEvents.Create(eventsPerTransaction, cursor.Appended), cancellationToken);
            cursor.Advance(eventsPerTransaction);
            run.Committed(eventsPerTransaction);
        }
    }

    private async Task<LagResult> MeasureLagAsync(ProgressContext progress, StreamStore store, StreamCountsProjection projection, NpgsqlDataSource admin, CancellationToken cancellationToken)
    {
        await using var daemon = store.CreateDaemon();

        // The daemon first works off phases A and B, so the lag phase starts from a caught-up projection.
        var backlog = (await store.GetProjectionStatusesAsync(cancellationToken: cancellationToken)).Sum(s => s.LagEvents);
        var catchUp = progress.AddTask("Daemon catch-up on A and B", maxValue: Math.Max(backlog, 1));
        var catchUpStarted = Stopwatch.GetTimestamp();
        await daemon.StartAsync(cancellationToken);
        while (Stopwatch.GetElapsedTime(catchUpStarted) < CatchUpTimeout)
        {
            var remaining = (await store.GetProjectionStatusesAsync(cancellationToken: cancellationToken)).Sum(s => s.LagEvents);
            catchUp.Value = backlog - remaining;
            catchUp.Description = $"Daemon catch-up on A and B: {backlog - remaining:N0} of {backlog:N0} events";
            if (remaining == 0)
            {
                break;
            }
            await Task.Delay(ProgressRefresh, cancellationToken);
        }
        var catchUpTime = Stopwatch.GetElapsedTime(catchUpStarted);
        catchUp.StopTask();

        var label = $"Lag at {settings.LagRate:N0} events/s";
        var task = progress.AddTask(label, maxValue: settings.PhaseDuration.TotalSeconds);
        using var recorder = new LagRecorder();
        projection.Applying = LagRecorder.TagApplying;
        var tickets = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleWriter = true });
        var appended = new ThroughputRun();
        var writers = Enumerable.Range(0, settings.Writers)
            .Select(writer => Task.Run(() => AppendPacedAsync(store, writer, tickets.Reader, recorder, appended, cancellationToken), cancellationToken))
            .ToArray();

        var started = Stopwatch.GetTimestamp();
        long issued = 0;
        var lastRefresh = started;
        using (var timer = new PeriodicTimer(PacingTick))
        {
            while (Stopwatch.GetElapsedTime(started) < settings.PhaseDuration && !writers.Any(w => w.IsCompleted) && await timer.WaitForNextTickAsync(cancellationToken))
            {
                var due = (long)(Math.Min(Stopwatch.GetElapsedTime(started).TotalSeconds, settings.PhaseDuration.TotalSeconds) * settings.LagRate);
                for (; issued < due; issued++)
                {
                    tickets.Writer.TryWrite(issued);
                }
                if (Stopwatch.GetElapsedTime(lastRefresh) >= ProgressRefresh)
                {
                    lastRefresh = Stopwatch.GetTimestamp();
                    task.Value = Stopwatch.GetElapsedTime(started).TotalSeconds;
                    task.Description = $"{label}: {appended.Events:N0} events";
                }
            }
        }
        tickets.Writer.Complete();
        await Task.WhenAll(writers);
        var achievedRate = appended.Events / Stopwatch.GetElapsedTime(started).TotalSeconds;

        await store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30), cancellationToken);
        // The batch activity stops a moment after its checkpoint commits, which is what the wait above sees.
        var settleStarted = Stopwatch.GetTimestamp();
        while (!recorder.AllProjected && Stopwatch.GetElapsedTime(settleStarted) < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(10, cancellationToken);
        }
        projection.Applying = null;
        await daemon.StopAsync(cancellationToken);
        task.Description = $"{label}: {appended.Events:N0} events";
        task.Value = task.MaxValue;
        task.StopTask();

        var verified = await CountsMatchAsync(admin, settings.Schema, cancellationToken);
        return new LagResult(recorder.Percentiles(), achievedRate, backlog, catchUpTime, verified);
    }

    private static async Task AppendPacedAsync(StreamStore store, int writer, ChannelReader<long> tickets, LagRecorder recorder, ThroughputRun appended, CancellationToken cancellationToken)
    {
        var cursor = new StreamCursor("lag", writer);
        while (await tickets.WaitToReadAsync(cancellationToken))
        {
            while (tickets.TryRead(out _))
            {
                await using var session = store.OpenSession(BenchEvents.Tenant);
                session.Append(cursor.StreamId, BenchEvents.StreamType, cursor.Version, BenchEvents.Create(SingleEvent, cursor.Appended));
                var results = await session.SaveChangesAsync(cancellationToken);
                recorder.Committed(results[0].Events[0].Sequence);
                cursor.Advance(SingleEvent);
                appended.Committed(SingleEvent);
            }
        }
    }

    /// <summary>Fills a store of its own with exactly --rebuild-events events (10 per stream, 10 streams per transaction), then rebuilds.</summary>
    private async Task<RebuildResult> MeasureRebuildAsync(ProgressContext progress, NpgsqlDataSource admin, CancellationToken cancellationToken)
    {
        var projection = new StreamCountsProjection();
        await using var store = StreamStore.Create(BenchEvents.Options(settings.ConnectionString, settings.RebuildSchema, projection));
        await store.MigrateAsync(cancellationToken);

        var fillLabel = $"Rebuild: appending {settings.RebuildEvents:N0} events";
        var fill = progress.AddTask(fillLabel, maxValue: settings.RebuildEvents);
        var claimed = new ThroughputRun();
        var filled = new ThroughputRun();
        var writers = Enumerable.Range(0, settings.Writers)
            .Select(_ => Task.Run(() => FillAsync(store, claimed, filled, cancellationToken), cancellationToken))
            .ToArray();
        while (!writers.All(w => w.IsCompleted))
        {
            await Task.WhenAny(Task.WhenAll(writers), Task.Delay(ProgressRefresh, cancellationToken));
            fill.Value = filled.Events;
        }
        await Task.WhenAll(writers);
        fill.StopTask();

        var label = $"Rebuild {projection.Name}";
        var task = progress.AddTask(label, maxValue: settings.RebuildEvents);
        var started = Stopwatch.GetTimestamp();
        long processed = 0;
        await store.RebuildProjectionAsync(projection.Name, new SynchronousProgress<RebuildProgress>(report =>
        {
            processed = report.Processed;
            task.Value = report.Processed;
            task.Description = $"{label}: {report.Processed:N0} events, {report.EventsPerSecond:N0} events/s";
        }), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        task.StopTask();

        var verified = processed == settings.RebuildEvents && await CountsMatchAsync(admin, settings.RebuildSchema, cancellationToken);
        return new RebuildResult(processed, elapsed, verified);
    }

    private async Task FillAsync(StreamStore store, ThroughputRun claimed, ThroughputRun filled, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var session = store.OpenSession(BenchEvents.Tenant);
            var queued = 0;
            for (var stream = 0; stream < RebuildStreamsPerTransaction; stream++)
            {
                var first = claimed.Committed(TenEvents) - TenEvents;
                var count = (int)Math.Min(TenEvents, settings.RebuildEvents - first);
                if (count <= 0)
                {
                    break;
                }
                session.StartStream($"rebuild-{first / TenEvents}", BenchEvents.StreamType, BenchEvents.Create(count, first));
                queued += count;
            }
            if (queued == 0)
            {
                return;
            }
            await session.SaveChangesAsync(cancellationToken);
            filled.Committed(queued);
        }
    }

    /// <summary>The projection counted every event once: a benchmark of a wrong result measures nothing.</summary>
    private static async Task<bool> CountsMatchAsync(NpgsqlDataSource admin, string schema, CancellationToken cancellationToken)
    {
        await using var command = admin.CreateCommand(
            $"SELECT (SELECT coalesce(sum(events), 0) FROM {schema}.{StreamCountsProjection.TableName}) = (SELECT count(*) FROM {schema}.events)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
