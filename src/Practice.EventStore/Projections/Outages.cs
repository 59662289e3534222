using Npgsql;

namespace Practice.EventStore.Projections;

/// <summary>
/// Tells a failure of the database from a failure of one event. Dead-lettering is for the event a projection
/// cannot apply; an outage (lost connection, read-only server after a failover, the server shutting down, a
/// missing table or privilege, resources exhausted) would fail every event alike, and dead-lettering them would
/// skip the whole backlog. So an outage stops the batch and the daemon retries it later, in order, losing nothing.
/// A statement timeout is not one: a smaller batch, down to one event, may well pass.
/// </summary>
internal static class Outages
{
    public static bool IsOutage(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient
            || postgres.SqlState[..2] is "08" or "53" or "58"
            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || postgres.SqlState is PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.UndefinedTable
                or PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.DataCorrupted or PostgresErrorCodes.IndexCorrupted,
        // Not from the server: the connection failed or timed out. (A misuse such as a command run while a reader
        // is open is the projection's own bug and is not transient.)
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };
}
