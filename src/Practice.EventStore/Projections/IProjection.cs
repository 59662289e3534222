using Npgsql;

namespace Practice.EventStore.Projections;

/// <summary>
/// Turns events into read-model tables. The same projection can run inline (in the append's
/// transaction) or async (in the daemon); it only writes through <see cref="ProjectionContext"/>.
/// </summary>
public interface IProjection
{
    /// <summary>Stable, lower-case identifier; names the checkpoint and the advisory lock.</summary>
    string Name { get; }

    /// <summary>The tables this projection owns; rebuilt into fresh copies and swapped.</summary>
    IReadOnlyList<ProjectionTable> Tables { get; }

    /// <summary>Stored type names it reads; others are skipped without being deserialized. Empty means all.</summary>
    IReadOnlySet<string> EventTypes { get; }

    /// <summary>
    /// Raise it whenever what the projection writes changes: its tables, or the rows it makes of the same events.
    /// A daemon running a higher version than the one that wrote the read model rebuilds it into fresh tables
    /// (the live ones keep serving) before it applies another event; one running a lower version leaves it alone,
    /// so an old process in a rolling deploy does not write the old shape into the new tables. An inline projection
    /// is rebuilt by a starting daemon of newer code; its appends are never refused, whichever code runs them, and
    /// until the swap they write into the old tables: a new inline version changes its rows, and a new shape takes a new name.
    /// </summary>
    int Version => 1;

    Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);
}

/// <summary>
/// A read-model table. <paramref name="Ddl"/> uses <c>{table}</c> for the qualified table name and
/// <c>{name}</c> for the bare one (for index names), so a rebuild can create a fresh copy beside it.
/// </summary>
public sealed record ProjectionTable(string Name, string Ddl);

public sealed class ProjectionContext
{
    private readonly string _schema;
    private readonly string _tableSuffix;

    internal ProjectionContext(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema, string tableSuffix)
    {
        Connection = connection;
        Transaction = transaction;
        _schema = schema;
        _tableSuffix = tableSuffix;
    }

    /// <summary>The store's schema, for tables a projection shares with other modules (scheduled messages).</summary>
    public string Schema => _schema;

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    /// <summary>The qualified name to write to: the live table, or its fresh copy during a rebuild.</summary>
    public string Table(string name) => $"{_schema}.{name}{_tableSuffix}";

    public NpgsqlBatch CreateBatch() => new(Connection, Transaction);

    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);
}
