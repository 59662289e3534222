using Practice.Messaging;
using Practice.Operations.Api.Tests.Infrastructure;

namespace Practice.Operations.Api.Tests.Health;

public sealed class MessagingSchemaTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Starting_again_does_not_wait_for_the_readers_of_the_messaging_tables()
    {
        // A long transaction that has read both tables, as a busy API's would have.
        await using var reader = await api.Store.DataSource.OpenConnectionAsync();
        await using var open = await reader.BeginTransactionAsync();
        await using (var read = new Npgsql.NpgsqlCommand(
            $"SELECT (SELECT count(*) FROM {api.Schema}.idempotency_keys) + (SELECT count(*) FROM {api.Schema}.scheduled_messages)", reader, open))
        {
            await read.ExecuteScalarAsync();
        }

        // The schema is already current (the API migrated it at start), so nothing here may queue behind that reader.
        await MessagingSchema.MigrateAsync(api.Store.DataSource, api.Schema).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
