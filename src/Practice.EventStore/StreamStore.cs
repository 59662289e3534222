using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Practice.EventStore.Projections;
using Practice.EventStore.Schema;

namespace Practice.EventStore;

/// <summary>
/// The event store: one PostgreSQL schema of streams and events, its projections, and the sessions
/// that read and append. Thread-safe; one per process and schema.
/// </summary>
public sealed partial class StreamStore : IAsyncDisposable
{
    private readonly Channel<bool> _pendingNotify = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private static readonly TimeSpan NotifyInterval = TimeSpan.FromMilliseconds(20);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _notifier;

    private StreamStore(StoreOptions options, NpgsqlDataSource dataSource, NpgsqlDataSource sessionDataSource, ILoggerFactory loggerFactory)
    {
        Options = options;
        DataSource = dataSource;
        SessionDataSource = sessionDataSource;
        LoggerFactory = loggerFactory;
        Serializer = new EventSerializer(options);
        Statements = new AppendStatements(options.Schema);
        ClientTimeout = TimeSpan.FromSeconds(new NpgsqlConnectionStringBuilder(sessionDataSource.ConnectionString).CommandTimeout);
        _notifier = Task.Run(SendNotificationsAsync);
    }

    public StoreOptions Options { get; }
    public string Schema => Options.Schema;
    /// <summary>The pool every store operation uses; read-model queries share it.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Unpooled connections for what holds session state (a LISTEN, a projection's leadership lock):
    /// closing one ends its session, so nothing it held outlives it in a pool.
    /// </summary>
    internal NpgsqlDataSource SessionDataSource { get; }
    internal EventSerializer Serializer { get; }
    internal AppendStatements Statements { get; }
    internal ILoggerFactory LoggerFactory { get; }

    /// <summary>The connection's Command Timeout; zero: none.</summary>
    internal TimeSpan ClientTimeout { get; }
    /// <summary>Channel the daemon LISTENs on; notified after commits that appended events.</summary>
    internal string NotificationChannel => $"{Options.Schema}_events";

    /// <summary>Raised in-process after a commit that appended events, so a local daemon wakes at once.</summary>
    internal event Action? Appended;

    public static StreamStore Create(StoreOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pooled = new NpgsqlDataSourceBuilder(options.ConnectionString);
        ApplyPoolSettings(pooled.ConnectionStringBuilder);
        // Unpooled but long-lived: the daemon's batch queries still benefit from being prepared.
        var unpooled = new NpgsqlDataSourceBuilder(options.ConnectionString);
        ApplyPoolSettings(unpooled.ConnectionStringBuilder);
        unpooled.ConnectionStringBuilder.Pooling = false;
        ApplyKeepAlives(unpooled);
        return new StreamStore(options, pooled.Build(), unpooled.Build(), loggerFactory ?? NullLoggerFactory.Instance);
    }

    /// <summary>
    /// Statements are prepared once per connection and reused. Pooled connections are not reset on return
    /// (a reset is a seven-statement round trip, parsed afresh, on every checkout): nothing the store or its
    /// callers run on them leaves session state behind, and what does uses <see cref="SessionDataSource"/>.
    /// </summary>
    public static void ApplyPoolSettings(NpgsqlConnectionStringBuilder connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        connection.MaxAutoPrepare = Math.Max(connection.MaxAutoPrepare, 64);
        connection.AutoPrepareMinUsages = 2;
        connection.NoResetOnClose = true;
    }

    /// <summary>
    /// The daemon's sessions hold leadership locks while idle. If a leader's host vanishes without closing its
    /// socket, the server would keep its session, and its locks, until the operating system gives up (about two
    /// hours on Linux); asking the server to probe the peer ends it in about a minute, and the standby takes over.
    /// Set once the session is open rather than as a startup option, which poolers such as PgBouncer refuse.
    /// Keepalive queries let the listener notice a vanished server the same way.
    /// </summary>
    private static void ApplyKeepAlives(NpgsqlDataSourceBuilder builder)
    {
        const string probes = "SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3";
        builder.UsePhysicalConnectionInitializer(
            connection =>
            {
                using var command = new NpgsqlCommand(probes, connection);
                command.ExecuteNonQuery();
            },
            async connection =>
            {
                await using var command = new NpgsqlCommand(probes, connection);
                await command.ExecuteNonQueryAsync();
            });
        if (builder.ConnectionStringBuilder.KeepAlive == 0)
        {
            builder.ConnectionStringBuilder.KeepAlive = 30;
        }
    }

    /// <summary>Creates or upgrades the schema and every registered projection's tables. Safe to run concurrently.</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) =>
        SchemaMigrator.MigrateAsync(DataSource, Options.Schema, Options.InlineProjections, Options.AsyncProjections, cancellationToken);

    public EventSession OpenSession(string tenantId)
    {
        EventSession.ValidateText(tenantId, nameof(tenantId));
        return new EventSession(this, tenantId);
    }

    public ProjectionDaemon CreateDaemon(DaemonOptions? options = null) => new(this, options ?? new DaemonOptions());

    /// <summary>Whether a projection reads events stored under this name; upcast names count as their current name.</summary>
    internal Func<string, bool> Wants(IProjection projection) =>
        projection.EventTypes.Count == 0 ? static _ => true : name => projection.EventTypes.Contains(Options.Events.CurrentName(name));

    /// <summary>The events a projection reads; one that could not be decoded fails here, so it is retried and dead-lettered alone.</summary>
    internal IReadOnlyList<StoredEvent> Relevant(IProjection projection, IReadOnlyList<StoredEvent> events)
    {
        var wants = Wants(projection);
        var relevant = projection.EventTypes.Count == 0 ? events : events.Where(e => wants(e.TypeName)).ToList();
        if (relevant.FirstOrDefault(e => e.Data is UndecodableEvent) is { Data: UndecodableEvent undecodable } stored)
        {
            throw new UndecodableEventException(stored.Sequence, stored.StreamId, undecodable.TypeName, undecodable.Error);
        }
        return relevant;
    }

    internal IProjection FindProjection(string name) =>
        Options.Projections.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"No projection named '{name}' is registered.", nameof(name));

    internal void OnAppended()
    {
        Appended?.Invoke();
        _pendingNotify.Writer.TryWrite(true);
    }

    /// <summary>
    /// NOTIFY inside the append transaction would take PostgreSQL's global notify lock at every
    /// commit and serialise all writers; instead one coalesced NOTIFY follows each burst of commits.
    /// A lost notification only costs a poll interval.
    /// </summary>
    private async Task SendNotificationsAsync()
    {
        var logger = LoggerFactory.CreateLogger<StreamStore>();
        try
        {
            while (await _pendingNotify.Reader.WaitToReadAsync(_stopping.Token))
            {
                _pendingNotify.Reader.TryRead(out _);
                try
                {
                    // A NOTIFY commit takes an xid and would wait for a WAL flush beside the appends it
                    // announces; it need not be durable, since a lost notification only costs a poll.
                    await using var command = DataSource.CreateCommand("SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')");
                    command.Parameters.Add(new NpgsqlParameter { Value = NotificationChannel });
                    await command.ExecuteNonQueryAsync(_stopping.Token);
                }
                catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
                {
                    logger.LogWarning(exception, "Could not notify listeners of new events; they will poll.");
                }
                // Under a steady stream of commits this loop would otherwise run one NOTIFY transaction per
                // round trip; at 5 ms apart they still cost appenders 5-8 % in `practice bench store`. Daemons in
                // other processes wake at most this much later; the one in this process is woken directly.
                await Task.Delay(NotifyInterval, _stopping.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _notifier;
        _stopping.Dispose();
        await DataSource.DisposeAsync();
        await SessionDataSource.DisposeAsync();
    }
}
