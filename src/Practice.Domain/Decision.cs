namespace Practice.Domain;

// Code: stable kebab-case string (see DomainErrorCodes); Field: the camelCase JSON property at fault, when one is.
public sealed record DomainError(string Code, string Message, string? Field = null);

// Events bound for one stream. StreamType is the IState<T>.StreamType of that stream.
public sealed record StreamEvents(string StreamId, string StreamType, IReadOnlyList<object> Events)
{
    public static StreamEvents For<TState>(string streamId, params object[] events) where TState : IState<TState> =>
        new(streamId, TState.StreamType, events);
}

// The outcome of a Decide: events to append, or an error that changes nothing.
// Single-stream form (Accept(params object[])): every event goes to the command's own stream and Streams is empty.
// Per-stream form (Accept(params StreamEvents[])): Streams says where each event goes, the command's own stream
// included; all of them are appended in one transaction. Events then lists every event in decision order.
public sealed class Decision
{
    private Decision(IReadOnlyList<object> events, IReadOnlyList<StreamEvents> streams, DomainError? error)
    {
        Events = events;
        Streams = streams;
        Error = error;
    }

    public IReadOnlyList<object> Events { get; }

    public IReadOnlyList<StreamEvents> Streams { get; }

    public DomainError? Error { get; }

    public bool IsSuccess => Error is null;

    public bool IsMultiStream => Streams.Count > 0;

    // Accepted with nothing to append, e.g. a repeated confirmation.
    public static Decision Accept() => new([], [], null);

    public static Decision Accept(params object[] events) => new(events, [], null);

    // Entries for the same stream id are merged in order (a reschedule within one day touches a day stream twice).
    public static Decision Accept(params StreamEvents[] streams)
    {
        var merged = streams
            .GroupBy(s => s.StreamId, StringComparer.Ordinal)
            .Select(g => new StreamEvents(g.Key, g.First().StreamType, g.SelectMany(s => s.Events).ToList()))
            .Where(s => s.Events.Count > 0)
            .ToList();
        return new(merged.SelectMany(s => s.Events).ToList(), merged, null);
    }

    public static Decision Reject(string code, string message, string? field = null) =>
        new([], [], new DomainError(code, message, field));

    public static Decision FromError(DomainError error) => new([], [], error);

    public static implicit operator Decision(DomainError error) => FromError(error);
}
