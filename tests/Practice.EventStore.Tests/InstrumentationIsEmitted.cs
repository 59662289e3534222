using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class InstrumentationIsEmittedFixture : StoreFixture
{
    // A projection name no other test uses: the instruments are shared, so measurements are told apart by it.
    public const string ProjectionName = "instrumented_log";

    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddAsyncProjection(new EventLogProjection(ProjectionName));
    }
}

/// <summary>What an OpenTelemetry exporter subscribed to "Practice.EventStore" receives.</summary>
public sealed class InstrumentationIsEmitted(InstrumentationIsEmittedFixture fixture) : IClassFixture<InstrumentationIsEmittedFixture>, IDisposable
{
    private readonly ActivityListener _activities = new();
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Projection, string? Tenant)> _measurements = new();

    [Fact]
    public async Task Appends_their_conflicts_and_projection_batches_are_traced_and_measured_with_the_projection_lag()
    {
        const string tenant = "tenant-instrumented";
        _activities.ShouldListenTo = source => source.Name == StoreInstrumentation.SourceName;
        _activities.Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
        _activities.ActivityStopped = _stopped.Enqueue;
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StoreInstrumentation.SourceName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();

        await using var daemon = fixture.Store.CreateDaemon(new DaemonOptions { PollInterval = TimeSpan.FromMilliseconds(50) });
        await daemon.StartAsync();
        var started = Stopwatch.GetTimestamp();
        await using (var session = fixture.Store.OpenSession(tenant))
        {
            session.StartStream("account-instrumented", "account", new Opened("Ada"), new Deposited(3m));
            await session.SaveChangesAsync();
            session.Append("account-instrumented", "account", 1, new Deposited(4m));
            await Assert.ThrowsAsync<ConcurrencyException>(() => session.SaveChangesAsync());
        }
        await fixture.Store.WaitForNonStaleProjectionsAsync(TimeSpan.FromSeconds(30));
        await daemon.StopAsync();
        // Every duration and the lag were measured within this; the lag compares the database's clock with this process's, one machine's.
        // It is read after the stop: the daemon records the lag just after its commit, which may be after the wait above returned.
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        // Append instruments carry no tags; the tenant of the "events append" activity they were recorded under tells ours apart.
        var appends = _measurements.Where(m => m.Tenant == tenant).ToList();
        Assert.Equal([2.0], appends.Where(m => m.Instrument == "practice.events.appended").Select(m => m.Value));
        Assert.Equal(1, appends.Where(m => m.Instrument == "practice.events.append.conflicts").Sum(m => m.Value));
        var durations = appends.Where(m => m.Instrument == "practice.events.append.duration").ToList();
        Assert.NotEmpty(durations);
        Assert.All(durations, d => Assert.InRange(d.Value, double.Epsilon, elapsed));

        var appendActivities = _stopped.Where(a => a.OperationName == "events append" && (string?)a.GetTagItem("practice.tenant") == tenant).ToList();
        Assert.Equal(2, appendActivities.Count);
        Assert.Equal(2, appendActivities[0].GetTagItem("practice.events"));
        Assert.Equal((ActivityStatusCode.Unset, ActivityStatusCode.Error), (appendActivities[0].Status, appendActivities[1].Status));
        Assert.Contains(appendActivities[1].Events, e => e.Name == "exception" && (string?)e.Tags.FirstOrDefault(t => t.Key == "exception.type").Value == typeof(ConcurrencyException).FullName);
        Assert.Contains(_stopped, a => a.OperationName == "projection batch" && (string?)a.GetTagItem("practice.projection") == InstrumentationIsEmittedFixture.ProjectionName);
        var mine = _measurements.Where(m => m.Projection == InstrumentationIsEmittedFixture.ProjectionName).ToList();
        Assert.Equal(2, mine.Where(m => m.Instrument == "practice.projection.events").Sum(m => m.Value));
        var lag = Assert.Single(mine, m => m.Instrument == "practice.projection.lag");
        Assert.InRange(lag.Value, -0.05, elapsed);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? projection = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "projection")
            {
                projection = tag.Value as string;
            }
        }
        // Measurements are reported synchronously, so the current activity is the operation that recorded them.
        _measurements.Enqueue((instrument.Name, value, projection, Activity.Current?.GetTagItem("practice.tenant") as string));
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }
}
