using Npgsql;

namespace Practice.EventStore;

/// <summary>Reads event rows selected as (seq, id, stream_id, version, tenant_id, type, data, metadata, created_at, tx).</summary>
internal static class EventReader
{
    public const string Columns = "seq, id, stream_id, version, tenant_id, type, data::text, metadata::text, created_at, tx::text";

    public static async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(
        NpgsqlCommand command, EventSerializer serializer, Func<string, bool> wanted, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(Read(reader, serializer, wanted));
        }
        return events;
    }

    /// <summary>Events whose type is not wanted keep their position but are not deserialized (Data is null).</summary>
    public static StoredEvent Read(NpgsqlDataReader reader, EventSerializer serializer, Func<string, bool> wanted)
    {
        var typeName = reader.GetString(5);
        var data = wanted(typeName) ? serializer.Deserialize(typeName, reader.GetString(6)) : null;
        return new StoredEvent(
            Sequence: reader.GetInt64(0),
            Id: reader.GetGuid(1),
            StreamId: reader.GetString(2),
            Version: reader.GetInt64(3),
            TenantId: reader.GetString(4),
            TypeName: typeName,
            Data: data!,
            Metadata: serializer.DeserializeMetadata(reader.GetString(7)),
            Timestamp: reader.GetFieldValue<DateTimeOffset>(8),
            TransactionId: ulong.Parse(reader.GetString(9), System.Globalization.CultureInfo.InvariantCulture));
    }
}
