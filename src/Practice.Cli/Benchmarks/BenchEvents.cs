using Practice.EventStore;

namespace Practice.Cli.Benchmarks;

/// <summary>A payload the size of a typical booking event, so JSON and row width are realistic.</summary>
internal sealed record BenchAppointmentBooked(Guid ClientId, string Therapist, string Room, DateTimeOffset StartsAt, int Minutes, string Modality, long Number);

internal static class BenchEvents
{
    public const string Tenant = "bench-tenant";
    public const string StreamType = "bench-appointment";
    public const string TypeName = "bench-appointment-booked";
    public const int EventsPerStream = 100;

    private static readonly DateTimeOffset Monday = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);

    public static StoreOptions Options(string connectionString, string schema, StreamCountsProjection projection)
    {
        var options = new StoreOptions { ConnectionString = connectionString, Schema = schema };
        options.Events.Register<BenchAppointmentBooked>(TypeName);
        options.AddAsyncProjection(projection);
        return options;
    }

    public static object[] Create(int count, long firstNumber)
    {
        var events = new object[count];
        for (var i = 0; i < count; i++)
        {
            var number = firstNumber + i;
            events[i] = new BenchAppointmentBooked(Guid.CreateVersion7(), $"therapist-{number % 17}", $"room-{number % 5}",
                Monday.AddMinutes(30 * (number % 400)), 60, "trigger-point", number);
        }
        return events;
    }
}

/// <summary>A writer's current stream and the version it expects; a fresh stream every <see cref="BenchEvents.EventsPerStream"/> events.</summary>
internal sealed class StreamCursor(string phase, int writer)
{
    private int _stream;

    public string StreamId => $"{phase}-w{writer}-s{_stream}";
    public long Version { get; private set; }
    public long Appended { get; private set; }

    public void Advance(int events)
    {
        Version += events;
        Appended += events;
        if (Version >= BenchEvents.EventsPerStream)
        {
            _stream++;
            Version = 0;
        }
    }
}
