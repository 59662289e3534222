using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Practice.ServiceDefaults;

namespace Practice.Cli.Commands;

/// <summary>
/// `practice seed`: a demo clinic created through the Operations API, as a front desk would, so the
/// demo exercises the same rules as real use. Running it again on a seeded tenant changes nothing.
/// </summary>
internal static class SeedCommand
{
    private static readonly JsonSerializerOptions Json = CliShared.ApiJson;

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "Base URL of the Operations API.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var tenant = new Option<string>("--tenant") { Description = "Tenant to seed.", DefaultValueFactory = _ => "demo" };
        var idsFile = new Option<string>("--ids-file") { Description = "Where to write the demo's ids as shell variables (for tokens and example requests).", DefaultValueFactory = _ => "artifacts/demo.env" };
        var command = new Command("seed", "Create a demo clinic through the Operations API.") { url, tenant, idsFile };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!Uri.TryCreate(result.GetValue(url), UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"seed: --url is the Operations API's address with its scheme, such as http://127.0.0.1:5080; '{result.GetValue(url)}' is not.");
                return 2;
            }
            var seeder = new Seeder(baseUrl, result.GetValue(tenant)!);
            try
            {
                if (await seeder.RunAsync(cancellationToken) is not { } demo)
                {
                    return 0;
                }
                var path = result.GetValue(idsFile)!;
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                    await File.WriteAllTextAsync(path, demo.ToShellVariables(), cancellationToken);
                    // Printed too: inside a container the file goes away with it.
                    Console.Write($"seed: the demo's ids, also in {path}:\n{demo.ToShellVariables()}");
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    await Console.Error.WriteLineAsync($"seed: the demo is seeded, but its ids could not be written to {path}: {exception.Message}");
                    await Console.Error.WriteAsync(demo.ToShellVariables());
                    return 1;
                }
                return 0;
            }
            catch (HttpRequestException exception)
            {
                await Console.Error.WriteLineAsync($"seed: {exception.Message}");
                return 1;
            }
        });
        return command;
    }

    private sealed record DemoIds(Guid LocationId, Guid TherapistId, Guid ClientId, Guid AppointmentId, DateOnly Day)
    {
        public string ToShellVariables() => string.Join('\n',
            $"DEMO_LOCATION_ID={LocationId}", $"DEMO_THERAPIST_ID={TherapistId}", $"DEMO_CLIENT_ID={ClientId}",
            $"DEMO_APPOINTMENT_ID={AppointmentId}", $"DEMO_DAY={Day:yyyy-MM-dd}", "");
    }

    private sealed class Seeder(Uri baseUrl, string tenant)
    {
        private readonly HttpClient _manager = Client(baseUrl, tenant, Roles.Manager, null);

        public async Task<DemoIds?> RunAsync(CancellationToken ct)
        {
            var organisation = await _manager.PostAsJsonAsync("/api/organisation", new { name = "Harbourside Massage & Trigger Point" }, Json, ct);
            if (organisation.StatusCode == HttpStatusCode.Conflict)
            {
                Console.WriteLine($"seed: tenant '{tenant}' is seeded already; nothing to do. (Had an earlier seed stopped half-way, start over with another --tenant or a fresh schema.)");
                return null;
            }
            await Ensure(organisation, "register the organisation");
            Step("organisation");

            var everyDay = Enum.GetValues<DayOfWeek>().Select(day => new { day, from = new TimeOnly(8, 0), to = new TimeOnly(20, 0) }).ToArray();
            var locationId = await Create("/api/locations", new
            {
                name = "Harbourside Downtown", timeZoneId = "America/Toronto", jurisdiction = "CA-ON",
                address = new { street = "200 Queens Quay W", city = "Toronto", region = "ON", postalCode = "M5J 2Y5", country = "CA" },
            }, "locationId", ct);
            await Send(HttpMethod.Put, $"/api/locations/{locationId}/opening-hours", new { hours = everyDay }, ct);
            var rooms = new List<Guid>();
            foreach (var room in new[] { "Cedar", "Maple", "Birch" })
            {
                rooms.Add(await Create($"/api/locations/{locationId}/rooms", new { name = room }, "roomId", ct));
            }
            Step("location with 3 rooms");

            var therapists = new List<Guid>();
            foreach (var (name, modalities) in new[]
            {
                ("Dana Okafor", new[] { "trigger-point-therapy", "dry-needling", "neuromuscular-therapy" }),
                ("Sam Lindqvist", new[] { "swedish", "deep-tissue", "myofascial-release" }),
            })
            {
                var id = await Create("/api/therapists", new { name, locationIds = new[] { locationId } }, "therapistId", ct);
                await Send(HttpMethod.Put, $"/api/therapists/{id}/modalities", new { modalities }, ct);
                await Send(HttpMethod.Put, $"/api/therapists/{id}/working-hours", new { hours = everyDay }, ct);
                therapists.Add(id);
            }
            await Create($"/api/therapists/{therapists[0]}/credentials",
                new { kind = "dry-needling", jurisdiction = "CA-ON", number = "DN-2041", expiresOn = DateOnly.FromDateTime(DateTime.UtcNow.AddYears(2)) }, null, ct);
            Step("2 therapists");

            var clients = new List<Guid>();
            foreach (var (name, born) in new[] { ("Priya Raman", new DateOnly(1982, 3, 9)), ("Marc Tremblay", new DateOnly(1975, 11, 30)), ("Ana Souza", new DateOnly(1991, 6, 18)) })
            {
                var id = await Create("/api/clients", new { name, dateOfBirth = born, contact = new { email = $"{name.Split(' ')[0].ToLowerInvariant()}@example.com" } }, "clientId", ct);
                await Send(HttpMethod.Put, $"/api/clients/{id}/intake", new { conditions = new[] { "neck pain", "tension headache" }, contraindications = Array.Empty<string>() }, ct);
                await Send(HttpMethod.Post, $"/api/clients/{id}/consents", new { scope = "treatment", written = true, locationId }, ct);
                clients.Add(id);
            }
            Step("3 clients with intake and consent");

            var toronto = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto");
            var now = DateTimeOffset.UtcNow;
            var tomorrow = TimeZoneInfo.ConvertTime(now, toronto).Date.AddDays(1);
            var charted = await Book(locationId, rooms[0], therapists[0], clients[0], "trigger-point-therapy", InToronto(tomorrow.AddHours(9)), 45, ct);
            await Book(locationId, rooms[1], therapists[1], clients[1], "deep-tissue", InToronto(tomorrow.AddHours(10)), 60, ct);
            // Less than 24 h away whenever the seed runs, so that cancelling it costs a fee for the illness to waive.
            var cancelled = await Book(locationId, rooms[2], therapists[1], clients[2], "swedish", SoonestOpenHour(now.AddHours(2).AddMinutes(5)), 45, ct);
            await Send(HttpMethod.Post, $"/api/appointments/{cancelled}/cancel", new { cancelledBy = "client", reason = "Feeling unwell", waiveFeeReason = "illness" }, ct);
            Step("3 appointments (two tomorrow, one within 24 h cancelled for illness, fee waived)");

            DateTimeOffset InToronto(DateTime local) => new(local, toronto.GetUtcOffset(local));

            // The first whole hour after earliest at which a 45-minute booking fits the demo's 08:00-20:00 day:
            // always less than 16 h ahead, and at 08:00 whenever it falls on tomorrow, so it meets no other booking.
            DateTimeOffset SoonestOpenHour(DateTimeOffset earliest)
            {
                var local = TimeZoneInfo.ConvertTime(earliest, toronto).DateTime;
                var start = local.Date.AddHours(local.Hour + 1);
                start = start.Hour < 8 ? start.Date.AddHours(8) : start.Hour > 19 ? start.Date.AddDays(1).AddHours(8) : start;
                return InToronto(start);
            }

            var therapist = Client(baseUrl, tenant, Roles.Therapist, therapists[0]);
            await Send(_manager, HttpMethod.Post, $"/api/appointments/{charted}/check-in", new { }, ct);
            var session = $"/api/sessions/{charted}";
            await Send(therapist, HttpMethod.Post, $"{session}/start", new { }, ct);
            await Send(therapist, HttpMethod.Post, $"{session}/pain", new { phase = "before", score = 7 }, ct);
            var point = await therapist.PostAsJsonAsync($"{session}/trigger-points", new
            {
                muscle = "upper trapezius", side = "left", activity = "active", tautBand = true, localTwitchResponse = true,
                referredPainRegion = "temple", pressurePainThresholdKpa = 294.2m,
            }, Json, ct);
            await Ensure(point, "record a trigger point");
            var pointId = (await point.Content.ReadFromJsonAsync<JsonElement>(Json, ct)).GetProperty("triggerPointId").GetGuid();
            await Send(therapist, HttpMethod.Post, $"{session}/techniques", new { modality = "trigger-point-therapy", technique = "ischemic compression", pressure = 4, seconds = 60, triggerPointId = pointId }, ct);
            await Send(therapist, HttpMethod.Post, $"{session}/discomfort", new { level = 7, note = "Sharp at the first press" }, ct);
            await Send(therapist, HttpMethod.Post, $"{session}/pressure-adjustments", new { from = 4, to = 3 }, ct);
            await Send(therapist, HttpMethod.Post, $"{session}/pain", new { phase = "after", score = 3 }, ct);
            await Send(therapist, HttpMethod.Post, $"{session}/complete", new { }, ct);
            await Send(therapist, HttpMethod.Post, $"{session}/note/sign", new
            {
                subjective = "Left-sided neck pain with temple headaches for 3 weeks.",
                objective = "Active TrP upper trapezius (L), referral to temple; PPT 294 kPa.",
                assessment = "Myofascial pain; NPRS 7 -> 3 after treatment.",
                plan = "Weekly trigger point therapy for 4 weeks; home stretching.",
            }, ct);
            Step("one session charted, completed and signed");
            return new DemoIds(locationId, therapists[0], clients[0], charted, DateOnly.FromDateTime(tomorrow));
        }

        private async Task<Guid> Book(Guid location, Guid room, Guid therapist, Guid client, string modality, DateTimeOffset start, int minutes, CancellationToken ct) =>
            await Create("/api/appointments", new { locationId = location, roomId = room, therapistId = therapist, clientId = client, modality, start, durationMinutes = minutes }, "appointmentId", ct);

        private async Task<Guid> Create(string path, object body, string? idProperty, CancellationToken ct)
        {
            var response = await _manager.PostAsJsonAsync(path, body, Json, ct);
            await Ensure(response, $"POST {path}");
            return idProperty is null ? Guid.Empty : (await response.Content.ReadFromJsonAsync<JsonElement>(Json, ct)).GetProperty(idProperty).GetGuid();
        }

        private Task Send(HttpMethod method, string path, object body, CancellationToken ct) => Send(_manager, method, path, body, ct);

        private static async Task Send(HttpClient client, HttpMethod method, string path, object body, CancellationToken ct)
        {
            using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) };
            await Ensure(await client.SendAsync(request, ct), $"{method} {path}");
        }

        private static async Task Ensure(HttpResponseMessage response, string what)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        private static void Step(string what) => Console.WriteLine($"seed: {what}");

        private static HttpClient Client(Uri baseUrl, string tenant, string role, Guid? therapistId)
        {
            var client = new HttpClient { BaseAddress = baseUrl };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                TokenIssuer.Issue(CliSettings.Jwt, tenant, role, $"seed-{role}@{tenant}", TimeSpan.FromMinutes(10), therapistId));
            return client;
        }
    }
}
