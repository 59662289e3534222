using Npgsql;

namespace Practice.EventStore.Projections;

/// <summary>
/// Raised by a projection, or a subscription, when something outside the store that it needs (a partner's endpoint,
/// a mail relay) is down. The daemon treats it as an outage: it dead-letters nothing, and tries the batch again,
/// in order, after a wait that grows while the outage lasts.
/// </summary>
public sealed class ProjectionOutageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Tells a failure of the database from a failure of one event. Dead-lettering is for the event a projection
/// cannot apply; an outage (lost connection, read-only server after a failover, the server shutting down, a
/// missing table or privilege, resources exhausted, a projection's own target down) would fail every event alike,
/// and dead-lettering them would skip the whole backlog. So an outage stops the batch and the daemon retries it
/// later, in order, losing nothing. The daemon's leader sessions wait for a lock for less time than a statement may
/// run, and both for less than the client waits, so the server names the cause: a lock wait (55P03, a migration or
/// a session holding a read-model table) is an outage; a statement that runs too long (57014) is not, since a smaller
/// batch may pass, and one event that keeps doing it is dead-lettered; and a client timeout, a server that did not
/// answer at all, is an outage once the event is on its own.
/// </summary>
internal static class Outages
{
    /// <remarks>
    /// SQLSTATEs by name rather than Npgsql's IsTransient, which also counts object-state errors (55000, 55006) that one
    /// event's statement can raise on every try. A lock_timeout (55P03) is the database's: a migration or a VACUUM FULL
    /// holding a read-model table fails every event alike. A projection that wraps the database's error is looked through.
    /// </remarks>
    public static bool IsOutage(Exception exception, bool oneEvent) => Causes(exception).Any(cause => cause switch
    {
        ProjectionOutageException => true,
        PostgresException postgres => postgres.SqlState[..2] is "08" or "53" or "58"
            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable
                or PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.UndefinedTable
                or PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.DataCorrupted or PostgresErrorCodes.IndexCorrupted,
        // Not from the server: the connection failed or timed out. (A misuse such as a command run while a reader
        // is open is the projection's own bug and is not transient.) A server that answers names a slow statement or
        // a lock wait before the client's timeout, so one event that still runs into it met a server that hangs.
        NpgsqlException { InnerException: TimeoutException } => oneEvent,
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    });

    /// <summary>
    /// An outage that every instance would meet alike, and that a fresh session would not end: the projection's own target
    /// down, or a lock held on its table. Any other (a read-only server after a failover, a missing table or privilege)
    /// may be the leader's session or code alone, which another instance, or a new session, does not share.
    /// </summary>
    public static bool IsSharedByEveryInstance(Exception exception) => Causes(exception).Any(cause =>
        cause is ProjectionOutageException or PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable });

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
        foreach (var cause in inner.SelectMany(Causes))
        {
            yield return cause;
        }
    }
}
