using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Practice.Domain;
using Practice.EventStore;

namespace Practice.Messaging;

public delegate Task<Decision> CommandHandler<in TCommand>(TCommand command, CommandContext context, CancellationToken cancellationToken);

/// <summary>A handler and the stream its single-stream decisions append to.</summary>
public sealed record CommandRegistration(Type CommandType, Func<object, (string StreamId, string StreamType)> OwnStream, Func<object, CommandContext, CancellationToken, Task<Decision>> Handle);

public sealed class CommandRegistry
{
    private readonly Dictionary<Type, CommandRegistration> _handlers = [];

    /// <summary>Registers the handler of <typeparamref name="TCommand"/>, whose own stream is of type <typeparamref name="TState"/>.</summary>
    public CommandRegistry Handle<TCommand, TState>(Func<TCommand, string> ownStream, CommandHandler<TCommand> handler)
        where TCommand : notnull where TState : IState<TState>
    {
        ArgumentNullException.ThrowIfNull(ownStream);
        ArgumentNullException.ThrowIfNull(handler);
        if (!_handlers.TryAdd(typeof(TCommand), new CommandRegistration(typeof(TCommand),
            command => (ownStream((TCommand)command), TState.StreamType),
            (command, context, cancellationToken) => handler((TCommand)command, context, cancellationToken))))
        {
            throw new InvalidOperationException($"{typeof(TCommand).Name} already has a handler.");
        }
        return this;
    }

    /// <summary>The common case: the decision reads only the command's own stream.</summary>
    public CommandRegistry Handle<TCommand, TState>(Func<TCommand, string> ownStream, Func<TCommand, TState, Decision> decide)
        where TCommand : notnull where TState : IState<TState>
    {
        ArgumentNullException.ThrowIfNull(ownStream);
        ArgumentNullException.ThrowIfNull(decide);
        return Handle<TCommand, TState>(ownStream, async (command, context, cancellationToken) =>
            decide(command, await context.LoadAsync<TState>(ownStream(command), cancellationToken)));
    }

    internal FrozenDictionary<Type, CommandRegistration> Freeze() => _handlers.ToFrozenDictionary();
}

/// <summary>
/// The outcome of a command: the streams it changed with their new versions, or the domain's refusal; and the
/// versions of the streams it read, which stand for a stream it read and left as it was.
/// </summary>
public sealed record CommandResult(DomainError? Error, IReadOnlyList<AppendResult> Appended, IReadOnlyDictionary<string, long> Read)
{
    public bool Succeeded => Error is null;

    public long VersionOf(string streamId) =>
        Appended.FirstOrDefault(a => a.StreamId == streamId)?.Version ?? Read.GetValueOrDefault(streamId);
}

/// <summary>
/// The aggregate handler workflow: load, decide (pure), append with the versions loaded, all in one
/// transaction; a lost race is retried from a fresh load a few times before it surfaces as a conflict. A request's
/// If-Match (<see cref="VersionPrecondition"/>) holds the command to the version of its own stream the caller read,
/// so a lost race under it is retried only to find the version moved on.
/// Handlers are registered once at start-up; dispatch is a dictionary lookup, no code generation.
/// </summary>
public sealed class CommandBus(StreamStore store, CommandRegistry registry)
{
    public const int MaxAttempts = 4;
    private static readonly ActivitySource ActivitySource = new("Practice.Messaging");
    private static readonly Meter Meter = new("Practice.Messaging");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("practice.command.duration", "s", "Time to handle a command, retries included.");
    private static readonly Counter<long> Retries = Meter.CreateCounter<long>("practice.command.retries", "{retry}", "Commands retried after a lost race.");

    private readonly FrozenDictionary<Type, CommandRegistration> _handlers = registry.Freeze();

    public StreamStore Store => store;

    public Task<CommandResult> SendAsync(string tenantId, string userId, object command, CancellationToken cancellationToken = default) =>
        SendAsync(tenantId, userId, command, onAppend: null, cancellationToken);

    /// <param name="onAppend">
    /// Called on the session of an attempt that appends, before it commits: what it queues there
    /// (<see cref="EventSession.QueueSqlCommand"/>) commits exactly with the command's events.
    /// </param>
    public async Task<CommandResult> SendAsync(string tenantId, string userId, object command, Action<EventSession>? onAppend, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var registration = _handlers.GetValueOrDefault(command.GetType())
            ?? throw new InvalidOperationException($"No handler is registered for {command.GetType().Name}.");
        var name = command.GetType().Name;
        using var activity = ActivitySource.StartActivity($"command {name}");
        activity?.SetTag("practice.tenant", tenantId);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var result = await AttemptAsync(registration, tenantId, userId, command, onAppend, cancellationToken);
                    outcome = result.Succeeded ? "accepted" : "rejected";
                    activity?.SetTag("practice.outcome", outcome);
                    return result;
                }
                catch (ConcurrencyException) when (attempt < MaxAttempts)
                {
                    Retries.Add(1, new KeyValuePair<string, object?>("command", name));
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * attempt)), cancellationToken);
                }
                catch (ConcurrencyException)
                {
                    outcome = "conflict";
                    throw;
                }
            }
        }
        finally
        {
            Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("command", name), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    private async Task<CommandResult> AttemptAsync(
        CommandRegistration registration, string tenantId, string userId, object command, Action<EventSession>? onAppend, CancellationToken cancellationToken)
    {
        await using var session = store.OpenSession(tenantId);
        session.Metadata = session.Metadata with { UserId = userId, Headers = new Dictionary<string, string> { ["command"] = command.GetType().Name } };
        var context = new CommandContext(session, tenantId, userId);
        var decision = await registration.Handle(command, context, cancellationToken);
        // A precondition is judged before what the command would do, except that a refusal of a stream that is not
        // there (a 404) says more than that its version is not the one named.
        if (VersionPrecondition.Expected is { } expected
            && context.ReadVersions.GetValueOrDefault(registration.OwnStream(command).StreamId) is var current
            && current != expected
            && (current > 0 || decision.IsSuccess))
        {
            return new CommandResult(
                new DomainError(CommandErrorCodes.VersionMismatch, $"It is at version {current} now, not {expected}: read it again and decide anew.", "If-Match"),
                [], context.ReadVersions);
        }
        if (!decision.IsSuccess)
        {
            return new CommandResult(decision.Error, [], context.ReadVersions);
        }

        IEnumerable<StreamEvents> targets = decision.IsMultiStream
            ? decision.Streams
            : decision.Events.Count == 0 ? [] : [ToOwnStream(registration, command, decision)];
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            session.Append(target.StreamId, target.StreamType, context.VersionOf(target.StreamId),
                target.Events.Select(e => new NewEvent(Guid.CreateVersion7(), e)));
            written.Add(target.StreamId);
        }
        if (written.Count > 0)
        {
            // Every stream the decision read holds at its version too, not only those written: consent withdrawn, or
            // working hours changed, while the decision was made is a lost race, decided again on the new state.
            foreach (var (streamId, version) in context.ReadVersions.Where(read => !written.Contains(read.Key)))
            {
                session.ExpectUnchanged(streamId, version);
            }
            IdempotencyScope.RecordCommit(session, store.Schema);
            onAppend?.Invoke(session);
        }
        return new CommandResult(null, await session.SaveChangesAsync(cancellationToken), context.ReadVersions);
    }

    private static StreamEvents ToOwnStream(CommandRegistration registration, object command, Decision decision)
    {
        var (streamId, streamType) = registration.OwnStream(command);
        return new StreamEvents(streamId, streamType, decision.Events);
    }
}
