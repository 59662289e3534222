using System.Text.Json;
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
    [property: JsonPropertyName("data")] JsonElement Data)
{
    /// <summary>
    /// Source and id identify an event in CloudEvents, so the source is one name, not the host a caller happened to use.
    /// </summary>
    public const string FeedSource = "urn:practice:feed";

    /// <summary>
    /// The type is the name the event is read as today, after any upcaster, so a renamed event type keeps one
    /// name in the feed; an event this API cannot read keeps the name it was stored under, and its stored JSON.
    /// The data is written as the store writes events, not with the API's strict request rules: an event stored
    /// before a field existed reads with that field null, and must not make its page fail for good.
    /// </summary>
    public static CloudEvent From(StoredEvent stored, StoreOptions options, string source, bool readsClinical)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(options);
        var type = stored.Data is JsonElement ? stored.TypeName : options.Events.CurrentName(stored.TypeName);
        // Withheld by the name read today even when passed on as stored: an old name of a type must not carry its fields past the rule.
        var data = FeedSharing.Withhold(options.Events.CurrentName(stored.TypeName),
            stored.Data as JsonElement? ?? JsonSerializer.SerializeToElement(stored.Data, stored.Data.GetType(), options.Json), readsClinical);
        return new CloudEvent("1.0", stored.Id.ToString(), source, $"practice.{type}", stored.Timestamp, stored.StreamId,
            "application/json", data);
    }
}

/// <summary>One page of the feed; <c>Next</c> is the cursor to pass as <c>after</c>, and equals it once the caller is caught up.</summary>
public sealed record FeedPage(IReadOnlyList<CloudEvent> Events, string Next)
{
    /// <summary>The clients the page discloses: each event that names one, whether read here or passed on as stored JSON.</summary>
    public IReadOnlyList<Guid> ClientIds() => [.. Events.Select(e =>
        e.Data.ValueKind == JsonValueKind.Object && e.Data.TryGetProperty("clientId", out var id) && id.TryGetGuid(out var client) ? client : (Guid?)null)
        .OfType<Guid>().Distinct()];
}
