using Npgsql;
using Practice.EventStore;
using Xunit;

namespace Practice.Testing;

/// <summary>
/// The real PostgreSQL every integration test runs against (ops/pg starts it; ops/test exports
/// PRACTICE_TEST_CONNECTION). There is no fallback: an unreachable database fails the test with a hint.
/// </summary>
public static class TestDatabase
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=54329;Username=practice;Password=practice;Database=practice_test";

    private static readonly Lazy<Task> Reachable = new(CheckReachableAsync);

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("PRACTICE_TEST_CONNECTION") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    /// <summary>A schema name no other test class uses; each class gets its own store schema.</summary>
    public static string NewSchemaName(string prefix = "t") => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 1 + 20, 40)];

    public static async Task EnsureReachableAsync() => await Reachable.Value;

    /// <summary>A migrated store in a fresh schema; configure registers event types and projections.</summary>
    public static async Task<StreamStore> CreateStoreAsync(string schema, Action<StoreOptions>? configure = null, Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
    {
        await EnsureReachableAsync();
        var options = new StoreOptions { ConnectionString = ConnectionString, Schema = schema };
        configure?.Invoke(options);
        var store = StreamStore.Create(options, logs);
        await store.MigrateAsync();
        return store;
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task CheckReachableAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable ({exception.Message}). Start it with `ops/pg start`, or run the suite with `ops/test`, " +
                "or point PRACTICE_TEST_CONNECTION at a PostgreSQL 15+ database.", exception);
        }
    }
}

/// <summary>xunit class fixture: one migrated store in its own schema per test class, dropped afterwards.</summary>
public abstract class StoreFixture : IAsyncLifetime
{
    private StreamStore? _store;

    public string Schema { get; } = TestDatabase.NewSchemaName();

    public StreamStore Store => _store ?? throw new InvalidOperationException("The fixture is not initialised.");

    protected abstract void Configure(StoreOptions options);

    /// <summary>Where the store logs; null: nowhere.</summary>
    protected virtual Microsoft.Extensions.Logging.ILoggerFactory? Logs => null;

    public async Task InitializeAsync() => _store = await TestDatabase.CreateStoreAsync(Schema, Configure, Logs);

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        await TestDatabase.DropSchemaAsync(Schema);
    }
}
