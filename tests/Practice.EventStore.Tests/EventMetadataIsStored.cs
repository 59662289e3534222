using System.Diagnostics;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class EventMetadataIsStored(TestEventsFixture fixture) : IClassFixture<TestEventsFixture>, IDisposable
{
    // A source of its own, so the listener samples only this test's activities.
    private readonly ActivitySource _source = new($"{nameof(EventMetadataIsStored)}-{Guid.NewGuid():N}");
    private readonly ActivityListener _listener = new();
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task Events_carry_the_current_trace_as_correlation_and_the_span_as_causation()
    {
        _listener.ShouldListenTo = source => source == _source;
        _listener.Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
        ActivitySource.AddActivityListener(_listener);

        string traceId, spanId;
        using (var handling = _source.StartActivity("handle open-account"))
        {
            Assert.NotNull(handling);
            (traceId, spanId) = (handling.TraceId.ToString(), handling.SpanId.ToString());
            await using var session = _store.OpenSession("tenant-a");
            session.StartStream("account-traced", "account", new Opened("Ada"), new Deposited(1m));
            await session.SaveChangesAsync();
        }

        await using var reader = _store.OpenSession("tenant-a");
        var events = await reader.FetchStreamAsync("account-traced");
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal((traceId, spanId), (e.Metadata.CorrelationId, e.Metadata.CausationId)));

        // Outside any trace there is nothing to correlate with, rather than a made-up or a stale id.
        reader.StartStream("account-untraced", "account", new Opened("Bo"));
        await reader.SaveChangesAsync();
        var untraced = Assert.Single(await reader.FetchStreamAsync("account-untraced"));
        Assert.Equal((null, null), (untraced.Metadata.CorrelationId, untraced.Metadata.CausationId));
    }

    [Fact]
    public async Task User_and_headers_set_on_the_session_are_stored_and_read_back()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.Metadata = session.Metadata with
        {
            UserId = "staff-42",
            Headers = new Dictionary<string, string> { ["command"] = "open-account", ["client-ip"] = "10.0.0.7" },
        };
        session.StartStream("account-audited", "account", new Opened("Bo"));
        await session.SaveChangesAsync();

        await using var reader = _store.OpenSession("tenant-a");
        var stored = Assert.Single(await reader.FetchStreamAsync("account-audited"));
        var metadata = stored.Metadata;
        Assert.Equal(("tenant-a", "staff-42"), (stored.TenantId, metadata.UserId));
        Assert.Equal(
            [new("client-ip", "10.0.0.7"), new("command", "open-account")],
            metadata.Headers!.OrderBy(h => h.Key, StringComparer.Ordinal).ToList<KeyValuePair<string, string>>());
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }
}
