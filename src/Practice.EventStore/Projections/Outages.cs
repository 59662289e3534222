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
/// later, in order, losing nothing. A server's statement timeout is not one, nor is the client's command timeout for a
/// batch: a smaller batch may pass. One event that keeps timing out is taken for an outage, so a server that hangs, or a
/// lock held on a read-model table, dead-letters nothing.
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
        // is open is the projection's own bug and is not transient.) A lock wait runs into the client's timeout as a
        // slow statement does, so one event that keeps timing out is taken for an outage, never dead-lettered.
        NpgsqlException { InnerException: TimeoutException } => oneEvent,
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    });

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
