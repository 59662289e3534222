using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Practice.EventStore;

internal sealed class EventSerializer(StoreOptions options)
{
    private readonly EventTypeRegistry _registry = options.Events;
    private readonly JsonSerializerOptions _json = options.Json;

    public (string TypeName, string Json) Serialize(string streamId, object data)
    {
        var typeName = _registry.NameOf(data.GetType());
        var json = JsonSerializer.Serialize(data, data.GetType(), _json);
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > options.MaxEventBytes)
        {
            throw new EventTooLargeException(streamId, bytes, options.MaxEventBytes);
        }
        if (HasNulEscape(json))
        {
            throw new UnstorableTextException($"An event for stream '{streamId}'");
        }
        return (typeName, json);
    }

    public string SerializeMetadata(EventMetadata metadata)
    {
        var json = JsonSerializer.Serialize(metadata, _json);
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > options.MaxMetadataBytes)
        {
            throw new MetadataTooLargeException(bytes, options.MaxMetadataBytes);
        }
        return HasNulEscape(json) ? throw new UnstorableTextException("The session's metadata") : json;
    }

    /// <summary>
    /// A NUL in a string serializes as the escape \u0000, which jsonb refuses. Text that merely reads
    /// "\u0000" serializes with its backslash escaped, so an escape counts only after an even run of backslashes.
    /// </summary>
    internal static bool HasNulEscape(string json)
    {
        for (var at = json.IndexOf("\\u0000", StringComparison.Ordinal); at >= 0; at = json.IndexOf("\\u0000", at + 1, StringComparison.Ordinal))
        {
            var backslashes = 0;
            while (at - backslashes - 1 >= 0 && json[at - backslashes - 1] == '\\')
            {
                backslashes++;
            }
            if (backslashes % 2 == 0)
            {
                return true;
            }
        }
        return false;
    }

    public EventMetadata DeserializeMetadata(string json) =>
        JsonSerializer.Deserialize<EventMetadata>(json, _json) ?? new EventMetadata();

    public object Deserialize(string typeName, string json)
    {
        var (type, transform) = _registry.Resolve(typeName);
        if (transform is null)
        {
            return JsonSerializer.Deserialize(json, type, _json)
                ?? throw new InvalidOperationException($"Event of type '{typeName}' deserialized to null.");
        }
        var upcast = transform(JsonNode.Parse(json)?.AsObject() ?? []);
        return upcast.Deserialize(type, _json)
            ?? throw new InvalidOperationException($"Upcast event of type '{typeName}' deserialized to null.");
    }
}
