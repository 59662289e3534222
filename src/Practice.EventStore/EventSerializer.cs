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
        return (typeName, json);
    }

    public string SerializeMetadata(EventMetadata metadata) => JsonSerializer.Serialize(metadata, _json);

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
