namespace Practice.EventStore;

/// <summary>Who and what caused an event; stored beside it as JSON.</summary>
public sealed record EventMetadata(
    string? CorrelationId = null,
    string? CausationId = null,
    string? UserId = null,
    IReadOnlyDictionary<string, string>? Headers = null);

/// <summary>An event as stored: its position in the global order and in its stream.</summary>
public sealed record StoredEvent(
    long Sequence,
    Guid Id,
    string StreamId,
    long Version,
    string TenantId,
    string TypeName,
    object Data,
    EventMetadata Metadata,
    DateTimeOffset Timestamp,
    ulong TransactionId);

/// <summary>An event to append, with the id that makes a resend idempotent.</summary>
public sealed record NewEvent(Guid Id, object Data);
