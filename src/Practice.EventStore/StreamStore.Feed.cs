using Npgsql;
using Practice.EventStore.Projections;

namespace Practice.EventStore;

public sealed partial class StreamStore
{
    /// <summary>
    /// One tenant's events after a cursor, in the same gap-free order the daemon uses, so a client
    /// paging with the returned positions never misses an event that committed late.
    /// </summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadTenantFeedAsync(string tenantId, ProjectionPosition after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(ProjectionProgress.SafeBatchSql(Schema, "AND tenant_id = $4"), connection);
        ProjectionProgress.AddPosition(command, after);
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = tenantId });
        return await EventReader.ReadAllAsync(command, Serializer, static _ => true, cancellationToken);
    }
}
