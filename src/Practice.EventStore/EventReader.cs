using Npgsql;

namespace Practice.EventStore;

/// <summary>Reads event rows selected as (seq, id, stream_id, version, tenant_id, type, data, metadata, created_at, tx).</summary>
internal static class EventReader
{
    /// <remarks>
    /// The text of tx is aliased: left as "tx", an ORDER BY tx in the same query would sort by the text
    /// ("10" before "9"), which breaks the gap-free order and keeps the (tx, seq) index out of the plan.
    /// </remarks>
    public const string Columns = "seq, id, stream_id, version, tenant_id, type, data::text, metadata::text, created_at, tx::text AS tx_text";

    /// <summary>How many columns <see cref="Columns"/> selects; a query may select more after them.</summary>
    public const int ColumnCount = 10;

    /// <param name="afterEach">Reads what a query selects after <see cref="Columns"/>, row by row.</param>
    public static async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(
        NpgsqlCommand command, EventSerializer serializer, Func<string, bool> wanted, CancellationToken cancellationToken, Unreadable unreadable = Unreadable.Throw,
        Action<NpgsqlDataReader>? afterEach = null)
    {
        var events = new List<StoredEvent>();
        var metadata = new MetadataCache(serializer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(Read(reader, serializer, wanted, unreadable, metadata));
            afterEach?.Invoke(reader);
        }
        return events;
    }

    /// <summary>
    /// The events of one transaction share their metadata, so a run of equal texts is deserialized once:
    /// for a rebuild or a catch-up, reading the metadata was as dear as reading the event itself.
    /// </summary>
    internal sealed class MetadataCache(EventSerializer serializer)
    {
        private string? _json;
        private EventMetadata? _metadata;

        public EventMetadata Get(string json)
        {
            if (_metadata is null || !string.Equals(json, _json, StringComparison.Ordinal))
            {
                (_json, _metadata) = (json, serializer.DeserializeMetadata(json));
            }
            return _metadata;
        }
    }

    /// <summary>
    /// Events whose type is not wanted keep their position but are not deserialized (Data is null). For a reader that
    /// does not throw, whatever decoding throws, an upcaster's or a record constructor's exception included, makes the
    /// event unreadable: one event must never stop every reader behind it.
    /// </summary>
    public static StoredEvent Read(NpgsqlDataReader reader, EventSerializer serializer, Func<string, bool> wanted, Unreadable unreadable, MetadataCache metadata)
    {
        var typeName = reader.GetString(5);
        object? data = null;
        if (wanted(typeName))
        {
            var json = reader.GetString(6);
            try
            {
                data = serializer.Deserialize(typeName, json);
            }
            catch (Exception exception) when (unreadable != Unreadable.Throw && IsDecodingFailure(exception))
            {
                data = unreadable == Unreadable.AsUndecodable
                    ? new UndecodableEvent(typeName, $"{exception.GetType().Name}: {exception.Message}")
                    : System.Text.Json.JsonDocument.Parse(json).RootElement.Clone();
            }
            catch (Exception exception) when (IsUndecodable(exception))
            {
                throw Undecodable(reader.GetInt64(0), reader.GetString(2), typeName, exception);
            }
        }
        EventMetadata eventMetadata;
        try
        {
            eventMetadata = metadata.Get(reader.GetString(7));
        }
        catch (Exception exception) when (unreadable == Unreadable.Throw && IsDecodingFailure(exception))
        {
            throw Undecodable(reader.GetInt64(0), reader.GetString(2), typeName, exception, what: "metadata: ");
        }
        catch (Exception exception) when (IsDecodingFailure(exception))
        {
            // The event itself may read; a projection that wants it still fails it alone, since it would apply it without its metadata.
            eventMetadata = new EventMetadata();
            if (data is not null && unreadable == Unreadable.AsUndecodable)
            {
                data = new UndecodableEvent(typeName, $"metadata: {exception.GetType().Name}: {exception.Message}");
            }
        }
        return new StoredEvent(
            Sequence: reader.GetInt64(0),
            Id: reader.GetGuid(1),
            StreamId: reader.GetString(2),
            Version: reader.GetInt64(3),
            TenantId: reader.GetString(4),
            TypeName: typeName,
            Data: data!,
            Metadata: eventMetadata,
            Timestamp: reader.GetFieldValue<DateTimeOffset>(8),
            TransactionId: ulong.Parse(reader.GetString(9), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static bool IsDecodingFailure(Exception exception) => exception is not (OutOfMemoryException or OperationCanceledException);

    /// <summary>A failure to decode that a reader which throws reports as the event's own, naming it, so the one bad row can be found among millions.</summary>
    internal static bool IsUndecodable(Exception exception) => exception is not EventStoreException && IsDecodingFailure(exception);

    internal static UndecodableEventException Undecodable(long sequence, string streamId, string typeName, Exception exception, string what = "") =>
        new(sequence, streamId, typeName, $"{what}{exception.GetType().Name}: {exception.Message}", exception);
}

/// <summary>What a reader does with an event it cannot deserialize: its type is unknown here, or its JSON no longer fits.</summary>
internal enum Unreadable
{
    Throw,

    /// <summary>For projections: the event fails alone when applied, so it is retried and dead-lettered instead of stopping the reader.</summary>
    AsUndecodable,

    /// <summary>For the feed, which only passes events on: the event comes as its stored JSON, under its stored type name.</summary>
    AsStoredJson,
}

/// <summary>Stands in for an event an async reader could not deserialize; applying it fails, so it is dead-lettered.</summary>
internal sealed record UndecodableEvent(string TypeName, string Error);
