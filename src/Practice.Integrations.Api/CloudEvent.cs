using System.Text.Json.Serialization;
using Practice.EventStore;

namespace Practice.Integrations.Api;

/// <summary>CloudEvents 1.0 structured JSON for one stored event.</summary>
public sealed record CloudEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("data")] object Data,
    [property: JsonPropertyName("sequence")] string Sequence)
{
    /// <summary>
    /// The type is the name the event is read as today, after any upcaster, so a renamed event type keeps one
    /// name in the feed; an event this API cannot read keeps the name it was stored under, and its stored JSON.
    /// </summary>
    public static CloudEvent From(StoredEvent stored, EventTypeRegistry registry, string source)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(registry);
        var type = stored.Data is System.Text.Json.JsonElement ? stored.TypeName : registry.CurrentName(stored.TypeName);
        return new CloudEvent("1.0", stored.Id.ToString(), source, $"practice.{type}", stored.Timestamp, stored.StreamId,
            "application/json", stored.Data, Practice.EventStore.Projections.ProjectionPosition.Of(stored).ToString());
    }
}

/// <summary>One page of the feed; <c>Next</c> is the cursor to pass as <c>after</c>, and equals it once the caller is caught up.</summary>
public sealed record FeedPage(IReadOnlyList<CloudEvent> Events, string Next)
{
    /// <summary>The clients the page discloses: each event that names one, whether read here or passed on as stored JSON.</summary>
    public IReadOnlyList<Guid> ClientIds() => [.. Events.Select(e => e.Data switch
    {
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Object } json =>
            json.TryGetProperty("clientId", out var id) && id.TryGetGuid(out var client) ? client : (Guid?)null,
        var data => data.GetType().GetProperty("ClientId")?.GetValue(data) as Guid?,
    }).OfType<Guid>().Distinct()];
}
