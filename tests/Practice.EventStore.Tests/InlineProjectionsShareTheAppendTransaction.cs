using Npgsql;
using Practice.EventStore.Projections;
using Practice.Testing;

namespace Practice.EventStore.Tests;

public sealed class NegativeDepositException() : Exception("A deposit cannot be negative.");

/// <summary>Keeps balances current inside the append; refuses a negative deposit by throwing.</summary>
public sealed class InlineBalanceProjection : IProjection
{
    public string Name => "inline_balances";
    public IReadOnlyList<ProjectionTable> Tables { get; } =
        [new("inline_balances", "CREATE TABLE IF NOT EXISTS {table} (stream_id text PRIMARY KEY, balance numeric NOT NULL)")];
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "money-deposited" };

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        foreach (var stored in events)
        {
            var amount = ((Deposited)stored.Data).Amount;
            // Written before the check, so a rollback must also undo the read model's own write.
            await using var command = context.CreateCommand($"""
                INSERT INTO {context.Table(Name)} AS b (stream_id, balance) VALUES ($1, $2)
                ON CONFLICT (stream_id) DO UPDATE SET balance = b.balance + excluded.balance
                """);
            command.Parameters.Add(new NpgsqlParameter { Value = stored.StreamId });
            command.Parameters.Add(new NpgsqlParameter { Value = amount });
            await command.ExecuteNonQueryAsync(cancellationToken);
            if (amount < 0)
            {
                throw new NegativeDepositException();
            }
        }
    }
}

public sealed class InlineProjectionsShareTheAppendTransactionFixture : StoreFixture
{
    protected override void Configure(StoreOptions options)
    {
        TestEventTypes.Register(options);
        options.AddInlineProjection(new InlineBalanceProjection());
    }
}

public sealed class InlineProjectionsShareTheAppendTransaction(InlineProjectionsShareTheAppendTransactionFixture fixture)
    : IClassFixture<InlineProjectionsShareTheAppendTransactionFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task The_read_model_is_current_as_soon_as_the_append_returns()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-current", "account", new Opened("Ada"), new Deposited(10m), new Deposited(5m));
        await session.SaveChangesAsync();

        Assert.Equal(15m, await BalanceAsync("account-current"));
    }

    [Fact]
    public async Task A_throwing_inline_projection_means_the_append_and_its_read_model_writes_are_not_stored()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-refused", "account", new Opened("Bo"), new Deposited(10m));
        await session.SaveChangesAsync();
        var events = await Db.CountAsync(fixture.Schema, "events");

        session.Append("account-refused", "account", 2, new Deposited(3m), new Deposited(-1m));
        await Assert.ThrowsAsync<NegativeDepositException>(() => session.SaveChangesAsync());

        Assert.Equal(2, (await session.FetchStreamInfoAsync("account-refused"))!.Version);
        Assert.Equal(events, await Db.CountAsync(fixture.Schema, "events"));
        Assert.Equal(10m, await BalanceAsync("account-refused"));
    }

    [Fact]
    public async Task One_refused_stream_undoes_every_stream_of_the_session()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-fine", "account", new Opened("Cy"), new Deposited(4m));
        session.StartStream("account-bad", "account", new Opened("Di"), new Deposited(-4m));
        await Assert.ThrowsAsync<NegativeDepositException>(() => session.SaveChangesAsync());

        Assert.Null(await session.FetchStreamInfoAsync("account-fine"));
        Assert.Null(await session.FetchStreamInfoAsync("account-bad"));
        Assert.Equal(0, await Db.CountAsync(fixture.Schema, "inline_balances", "stream_id IN ('account-fine', 'account-bad')"));
    }

    [Fact]
    public async Task A_stream_is_archived_in_a_store_with_inline_projections()
    {
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-closing", "account", new Opened("Gil"), new Deposited(2m));
        await session.SaveChangesAsync();

        session.ArchiveStream("account-closing");
        await session.SaveChangesAsync();

        Assert.True((await session.FetchStreamInfoAsync("account-closing"))!.Archived);
    }

    [Fact]
    public async Task A_queued_statement_commits_beside_the_inline_rows_and_is_undone_with_them()
    {
        var marks = $"{fixture.Schema}.inline_marks";
        await Db.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {marks} (mark text NOT NULL)");
        await using var session = _store.OpenSession("tenant-a");
        session.StartStream("account-to-archive", "account", new Opened("Eve"));
        await session.SaveChangesAsync();

        // A statement that returns rows, queued beside an archive, must not upset how the session reads its batch.
        session.StartStream("account-marked", "account", new Opened("Flo"), new Deposited(6m));
        session.ArchiveStream("account-to-archive");
        session.QueueSqlCommand($"INSERT INTO {marks} (mark) VALUES ($1) RETURNING mark", "kept");
        await session.SaveChangesAsync();

        session.Append("account-marked", "account", 2, new Deposited(-1m));
        session.QueueSqlCommand($"INSERT INTO {marks} (mark) VALUES ($1)", "undone");
        await Assert.ThrowsAsync<NegativeDepositException>(() => session.SaveChangesAsync());

        Assert.Equal(["kept"], await Db.RowsAsync($"SELECT mark FROM {marks}"));
        Assert.Equal(6m, await BalanceAsync("account-marked"));
        Assert.True((await session.FetchStreamInfoAsync("account-to-archive"))!.Archived);
    }

    private Task<decimal> BalanceAsync(string streamId) =>
        Db.ScalarAsync<decimal>($"SELECT balance FROM {fixture.Schema}.inline_balances WHERE stream_id = $1", streamId);
}
