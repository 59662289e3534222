namespace Practice.EventStore;

/// <summary>Base of every error the store raises on purpose; anything else is a bug or an outage.</summary>
public abstract class EventStoreException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The stream was not at the expected version: another writer won the race. Nothing was written.</summary>
public sealed class ConcurrencyException(string streamId, long expectedVersion, long actualVersion)
    : EventStoreException($"Stream '{streamId}' was expected at version {expectedVersion} but is at {actualVersion}.")
{
    public string StreamId { get; } = streamId;
    public long ExpectedVersion { get; } = expectedVersion;
    public long ActualVersion { get; } = actualVersion;
}

/// <summary>Some, but not all, of the event ids of an append were stored before: not a safe resend.</summary>
public sealed class DuplicateEventException(string streamId)
    : EventStoreException($"Some events appended to stream '{streamId}' were already stored, but not all of them; a resend must repeat the same events.")
{
    public string StreamId { get; } = streamId;
}

public sealed class StreamNotFoundException(string streamId)
    : EventStoreException($"Stream '{streamId}' does not exist.")
{
    public string StreamId { get; } = streamId;
}

public sealed class StreamArchivedException(string streamId)
    : EventStoreException($"Stream '{streamId}' is archived and takes no more events.")
{
    public string StreamId { get; } = streamId;
}

public sealed class UnknownEventTypeException(string typeName)
    : EventStoreException($"No event type is registered under the name '{typeName}' (register it, or an upcaster from it).")
{
    public string TypeName { get; } = typeName;
}

public sealed class UnregisteredEventException(Type clrType)
    : EventStoreException($"The CLR type '{clrType.FullName}' has no registered event type name.");

/// <summary>PostgreSQL stores no NUL character in text or jsonb; refused before anything is sent.</summary>
public sealed class UnstorableTextException(string what)
    : EventStoreException($"{what} contains a NUL character (\\u0000), which PostgreSQL cannot store.");

public sealed class EventTooLargeException(string streamId, int bytes, int limit)
    : EventStoreException($"An event for stream '{streamId}' is {bytes} bytes; the limit is {limit}.");

public sealed class MetadataTooLargeException(int bytes, int limit)
    : EventStoreException($"The session's metadata is {bytes} bytes; the limit is {limit}.");

/// <summary>A stored event could not be deserialized: its JSON no longer fits its type, or its upcaster failed.</summary>
public sealed class UndecodableEventException(long sequence, string streamId, string typeName, string error, Exception? inner = null)
    : EventStoreException($"Event {sequence} of type '{typeName}' in stream '{streamId}' could not be read: {error}", inner)
{
    public long Sequence { get; } = sequence;
    public string StreamId { get; } = streamId;
    public string TypeName { get; } = typeName;
}
