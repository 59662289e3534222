using Npgsql;

namespace Practice.EventStore.Projections;

/// <summary>
/// Tells a failure of the database from a failure of one event. Dead-lettering is for the event a projection
/// cannot apply; an outage (lost connection, read-only server after a failover, a statement timeout, a missing
/// table or privilege, resources exhausted) would fail every event alike, and dead-lettering them would skip
/// the whole backlog. So an outage stops the batch and the daemon retries it later, in order, losing nothing.
/// </summary>
internal static class Outages
{
    public static bool IsOutage(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient
            || postgres.SqlState[..2] is "08" or "53" or "55" or "57" or "58" or "XX"
            || postgres.SqlState is PostgresErrorCodes.ReadOnlySqlTransaction or PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InsufficientPrivilege,
        // Not from the server at all: the connection itself failed.
        NpgsqlException => true,
        _ => false,
    };
}
