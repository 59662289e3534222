using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using Practice.EventStore.Projections;

namespace Practice.EventStore;

/// <summary>Expected-version values with a meaning of their own.</summary>
public static class ExpectedVersion
{
    /// <summary>The stream must not exist yet.</summary>
    public const long New = 0;

    /// <summary>Append whatever the stream's version (no concurrency check).</summary>
    public const long Any = -1;
}

/// <summary>A stream's state and version, loaded to decide on and then append to.</summary>
public sealed class EventStream<TState>
{
    private readonly EventSession _session;

    internal EventStream(EventSession session, string streamId, string streamType, TState state, long version)
    {
        _session = session;
        StreamId = streamId;
        StreamType = streamType;
        Aggregate = state;
        CurrentVersion = version;
    }

    public string StreamId { get; }
    public string StreamType { get; }
    public TState Aggregate { get; }

    /// <summary>The version loaded; appends expect exactly this one.</summary>
    public long CurrentVersion { get; }

    public void AppendMany(IEnumerable<NewEvent> events) => _session.Append(StreamId, StreamType, CurrentVersion, events);
}

/// <summary>
/// The outcome of one stream's append. In a store with inline projections its events carry their transaction
/// id and stored timestamp, as the projections see them; otherwise TransactionId is 0 and Timestamp is the
/// client's clock, which spares the lone append's hot path a value nobody reads.
/// </summary>
public sealed record AppendResult(string StreamId, long Version, IReadOnlyList<StoredEvent> Events, bool WasDuplicate);

/// <summary>Facts about a stream, without its events.</summary>
public sealed record StreamInfo(string StreamId, string Type, long Version, bool Archived, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// A unit of work for one tenant: reads see only that tenant's streams; appends are queued and
/// committed together by <see cref="SaveChangesAsync"/>, in one transaction, all or nothing.
/// </summary>
public sealed class EventSession : IAsyncDisposable
{
    private const int MaxStreamIdLength = 250;
    private readonly StreamStore _store;
    private readonly List<PendingAppend> _appends = [];
    private readonly List<string> _archives = [];
    private readonly List<(string Sql, object[] Parameters)> _queuedCommands = [];
    private readonly List<(string StreamId, long Version)> _unchanged = [];

    internal EventSession(StreamStore store, string tenantId)
    {
        _store = store;
        TenantId = tenantId;
        var activity = Activity.Current;
        Metadata = new EventMetadata(CorrelationId: activity?.TraceId.ToString(), CausationId: activity?.SpanId.ToString());
    }

    public string TenantId { get; }

    /// <summary>Stored with every event this session appends. Defaults to the current Activity's trace and span.</summary>
    public EventMetadata Metadata { get; set; }

    public void StartStream(string streamId, string streamType, params object[] events) =>
        Append(streamId, streamType, ExpectedVersion.New, events);

    /// <summary>Queues events for one stream, each with a fresh id.</summary>
    public void Append(string streamId, string streamType, long expectedVersion, params object[] events)
    {
        ValidateAppend(streamId, streamType, expectedVersion, events);
        var serialized = new List<SerializedEvent>(events.Length);
        foreach (var data in events)
        {
            ArgumentNullException.ThrowIfNull(data, nameof(events));
            serialized.Add(Serialize(streamId, Guid.CreateVersion7(), data));
        }
        Queue(streamId, streamType, expectedVersion, serialized);
    }

    public void Append(string streamId, string streamType, long expectedVersion, params NewEvent[] events) =>
        Append(streamId, streamType, expectedVersion, events.AsEnumerable());

    /// <summary>Queues events for one stream. They are serialised (and size-checked) now; nothing is written until SaveChangesAsync.</summary>
    public void Append(string streamId, string streamType, long expectedVersion, IEnumerable<NewEvent> events)
    {
        ValidateAppend(streamId, streamType, expectedVersion, events);
        var serialized = new List<SerializedEvent>();
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e?.Data, nameof(events));
            serialized.Add(Serialize(streamId, e.Id, e.Data));
        }
        Queue(streamId, streamType, expectedVersion, serialized);
    }

    private static void ValidateAppend(string streamId, string streamType, long expectedVersion, object events)
    {
        ValidateStreamId(streamId);
        ValidateText(streamType, nameof(streamType));
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(expectedVersion, ExpectedVersion.Any);
    }

    private SerializedEvent Serialize(string streamId, Guid id, object data)
    {
        var (typeName, json) = _store.Serializer.Serialize(streamId, data);
        return new SerializedEvent(id, typeName, json, data);
    }

    private void Queue(string streamId, string streamType, long expectedVersion, List<SerializedEvent> events)
    {
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }
        if (_appends.Exists(a => a.StreamId == streamId) || _unchanged.Exists(u => u.StreamId == streamId))
        {
            throw new InvalidOperationException($"Stream '{streamId}' already has an append queued, or is expected unchanged, in this session.");
        }
        _appends.Add(new PendingAppend(streamId, streamType, expectedVersion, events));
    }

    /// <summary>
    /// Commits the session only if a stream it does not write is still at <paramref name="version"/> (0: still absent):
    /// a decision that read it (a client's consent, a therapist's hours) is not made on a state that changed meanwhile.
    /// Its writers wait for this session's commit, as for a stream it appends to; a change is a <see cref="ConcurrencyException"/>
    /// naming that stream, raised before any sequence number is taken.
    /// </summary>
    public void ExpectUnchanged(string streamId, long version)
    {
        ValidateStreamId(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        if (_unchanged.Exists(u => u.StreamId == streamId) || _appends.Exists(a => a.StreamId == streamId) || _archives.Contains(streamId))
        {
            throw new InvalidOperationException($"Stream '{streamId}' is already written or expected unchanged in this session; an append's expected version is its check.");
        }
        _unchanged.Add((streamId, version));
    }

    /// <summary>Queues archiving a stream: it keeps its events but takes no more. A stream that does not exist fails the session.</summary>
    public void ArchiveStream(string streamId)
    {
        ValidateStreamId(streamId);
        _archives.Add(streamId);
    }

    /// <summary>
    /// Queues a statement (positional parameters, $1 on) to run in this session's transaction after its appends and
    /// archives, so what it records commits exactly when they do and not otherwise. The text is the caller's: it must
    /// keep to this session's tenant itself.
    /// </summary>
    public void QueueSqlCommand(string sql, params object[] parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        ArgumentNullException.ThrowIfNull(parameters);
        _queuedCommands.Add((sql, parameters));
    }

    /// <summary>The stream's events after <paramref name="fromVersion"/> (0: from the first) up to <paramref name="toVersion"/> (null: the last), in order.</summary>
    public async Task<IReadOnlyList<StoredEvent>> FetchStreamAsync(
        string streamId, long fromVersion = 0, long? toVersion = null, CancellationToken cancellationToken = default)
    {
        ValidateStreamId(streamId);
        ValidateVersions(fromVersion, toVersion);
        await using var command = _store.DataSource.CreateCommand($"""
            SELECT {EventReader.Columns}
              FROM {_store.Schema}.events
             WHERE tenant_id = $1 AND stream_id = $2 AND version > $3 AND version <= $4
             ORDER BY version
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = TenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        command.Parameters.Add(new NpgsqlParameter { Value = fromVersion });
        command.Parameters.Add(new NpgsqlParameter { Value = toVersion ?? long.MaxValue });
        return await EventReader.ReadAllAsync(command, _store.Serializer, static _ => true, cancellationToken);
    }

    private static void ValidateVersions(long fromVersion, long? toVersion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        if (toVersion is { } last)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(last, fromVersion, nameof(toVersion));
        }
    }

    public async Task<StreamInfo?> FetchStreamInfoAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ValidateStreamId(streamId);
        await using var command = _store.DataSource.CreateCommand(
            $"SELECT id, type, version, archived, created_at, updated_at FROM {_store.Schema}.streams WHERE tenant_id = $1 AND id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = TenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StreamInfo(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5))
            : null;
    }

    /// <summary>
    /// Folds a stream into state; a missing stream gives <paramref name="initial"/> at version 0. Each event is
    /// applied as its row arrives, so a long stream is never held whole, and only the columns a fold needs are read.
    /// With <paramref name="toVersion"/>, the state as it was at that version (an audit's "what did it say then").
    /// </summary>
    public async Task<(TState State, long Version)> AggregateStreamAsync<TState>(
        string streamId, TState initial, Func<TState, object, TState> apply, long? toVersion = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apply);
        ValidateStreamId(streamId);
        ValidateVersions(0, toVersion);
        await using var command = _store.DataSource.CreateCommand($"""
            SELECT version, type, data::text, seq
              FROM {_store.Schema}.events
             WHERE tenant_id = $1 AND stream_id = $2 AND version <= $3
             ORDER BY version
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = TenantId });
        command.Parameters.Add(new NpgsqlParameter { Value = streamId });
        command.Parameters.Add(new NpgsqlParameter { Value = toVersion ?? long.MaxValue });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var state = initial;
        var version = 0L;
        while (await reader.ReadAsync(cancellationToken))
        {
            version = reader.GetInt64(0);
            var typeName = reader.GetString(1);
            object data;
            try
            {
                data = _store.Serializer.Deserialize(typeName, reader.GetString(2));
            }
            catch (Exception exception) when (EventReader.IsUndecodable(exception))
            {
                throw EventReader.Undecodable(reader.GetInt64(3), streamId, typeName, exception);
            }
            state = apply(state, data);
        }
        return (state, version);
    }

    /// <summary>Loads state and version; appends through the returned stream expect that version.</summary>
    public async Task<EventStream<TState>> FetchForWritingAsync<TState>(
        string streamId, string streamType, TState initial, Func<TState, object, TState> apply, CancellationToken cancellationToken = default)
    {
        var (state, version) = await AggregateStreamAsync(streamId, initial, apply, cancellationToken: cancellationToken);
        return new EventStream<TState>(this, streamId, streamType, state, version);
    }

    /// <summary>
    /// Commits every queued append and archive in one transaction, with inline projections. When it throws,
    /// nothing is written and the queue is kept, so a transient failure can be retried as it stands; after
    /// a conflict, decide again in a new session.
    /// </summary>
    public async Task<IReadOnlyList<AppendResult>> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        if (_appends.Count == 0 && _archives.Count == 0 && _queuedCommands.Count == 0)
        {
            return [];
        }
        using var activity = StoreInstrumentation.ActivitySource.StartActivity("events append");
        activity?.SetTag("practice.tenant", TenantId);
        activity?.SetTag("practice.streams", _appends.Count);
        var started = Stopwatch.GetTimestamp();
        var metadataJson = _store.Serializer.SerializeMetadata(Metadata);

        IReadOnlyList<AppendResult> results;
        try
        {
            try
            {
                results = await CommitAsync(metadataJson, careful: false, cancellationToken)
                    ?? await CommitAsync(metadataJson, careful: true, cancellationToken)
                    ?? throw new InvalidOperationException("The careful append path never declines.");
            }
            catch (ConcurrencyException conflict) when (_appends.Count > 0 && _unchanged.Exists(u => u.StreamId == conflict.StreamId))
            {
                // A resend of a session that committed (its answer lost): the streams it read may have changed since,
                // but what it decided is stored, so it is the no-op any resend is. The careful path says so per append.
                if (!await AllEventsStoredAsync(cancellationToken))
                {
                    throw;
                }
                var read = _unchanged.ToList();
                _unchanged.Clear();
                try
                {
                    results = await CommitAsync(metadataJson, careful: true, cancellationToken)
                        ?? throw new InvalidOperationException("The careful append path never declines.");
                }
                finally
                {
                    _unchanged.Clear();
                    _unchanged.AddRange(read);
                }
            }
        }
        catch (Exception exception)
        {
            // A refused or failed append shows as a failed span, with what refused it.
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity?.AddException(exception);
            throw;
        }

        _appends.Clear();
        _archives.Clear();
        _queuedCommands.Clear();
        _unchanged.Clear();
        var appended = 0;
        foreach (var result in results)
        {
            appended += result.Events.Count;
        }
        StoreInstrumentation.EventsAppended.Add(appended);
        StoreInstrumentation.AppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        activity?.SetTag("practice.events", appended);
        if (appended > 0)
        {
            _store.OnAppended();
        }
        return results;
    }

    /// <summary>
    /// Writes the session in one batch. The plain path appends a lone stream with one statement that claims the
    /// stream at its expected version and inserts the events, and several streams with one statement that claims
    /// them all and inserts only if every claim held; a stream that is not there (a conflict, a resend, an archived
    /// stream) claims nothing and inserts nothing, and the whole session is declined (null) and nothing is kept.
    /// The careful path calls append_events, which tells those cases apart and raises; for several streams it first
    /// checks them all (check_append), so a refusal takes no sequence number for the streams before it.
    /// A lone plain append with no inline projection is one statement in one round trip; a session that writes
    /// more than once runs in a transaction, so that a refused write takes the others back.
    /// </summary>
    private async Task<IReadOnlyList<AppendResult>?> CommitAsync(string metadataJson, bool careful, CancellationToken cancellationToken)
    {
        var severalStreams = _appends.Count > 1;
        // "Any" has no version to claim at, so a session with one takes append_events throughout.
        if (!careful && _appends.Exists(a => a.ExpectedVersion == ExpectedVersion.Any))
        {
            return null;
        }
        var inline = _store.Options.InlineProjections;
        // A declined append or a missing archived stream must take the session's other writes back with it.
        var needsTransaction = inline.Count > 0 || _unchanged.Count > 0 || _appends.Count + _archives.Count + _queuedCommands.Count > 1;
        await using var connection = needsTransaction ? await _store.DataSource.OpenConnectionAsync(cancellationToken) : null;
        await using var transaction = connection is null ? null : await connection.BeginTransactionAsync(cancellationToken);
        // A lone write borrows a pooled connection for exactly its one round trip. Its batch is still one
        // implicit transaction, so a careful append's advisory lock holds through the append after it.
        await using var batch = connection is null ? _store.DataSource.CreateBatch() : new NpgsqlBatch(connection, transaction);
        if (inline.Count > 0)
        {
            var shared = new NpgsqlBatchCommand(AppendStatements.InlineLockShared);
            shared.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _store.Statements.InlineLockKey, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(shared);
        }
        // A lone plain append locks its stream within its own statement, and a lone archive within its own;
        // several writes take all their locks first, in one order, so sessions cannot deadlock on them.
        var locksFirst = (careful && _appends.Count > 0) || _unchanged.Count > 0 || _appends.Count + _archives.Count > 1;
        if (locksFirst)
        {
            batch.BatchCommands.Add(LockStreamsCommand());
        }
        // Under the locks and before any write, so that a changed stream takes no sequence number either.
        foreach (var (streamId, version) in _unchanged)
        {
            batch.BatchCommands.Add(UnchangedCommand(streamId, version));
        }
        var checks = careful && severalStreams ? _appends.Count : 0;
        if (!careful && severalStreams)
        {
            batch.BatchCommands.Add(SessionAppendCommand(metadataJson));
        }
        else
        {
            for (var i = 0; i < checks; i++)
            {
                batch.BatchCommands.Add(CheckCommand(_appends[i]));
            }
            foreach (var append in _appends)
            {
                batch.BatchCommands.Add(careful ? CarefulAppendCommand(append, metadataJson) : PlainAppendCommand(append, metadataJson));
            }
        }
        var archives = new List<NpgsqlBatchCommand>(_archives.Count);
        foreach (var streamId in _archives)
        {
            var archive = new NpgsqlBatchCommand(_store.Statements.Archive);
            archive.Parameters.Add(new NpgsqlParameter { Value = TenantId });
            archive.Parameters.Add(new NpgsqlParameter { Value = streamId });
            archive.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LockKey(streamId), NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(archive);
            archives.Add(archive);
        }
        if (inline.Count > 0)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(AppendStatements.CurrentTransaction));
        }
        // Last, so that whatever result sets they return are left unread behind everything this session reads.
        foreach (var (sql, parameters) in _queuedCommands)
        {
            var queued = new NpgsqlBatchCommand(sql);
            foreach (var parameter in parameters)
            {
                queued.Parameters.Add(new NpgsqlParameter { Value = parameter });
            }
            batch.BatchCommands.Add(queued);
        }

        var results = new List<AppendResult>(_appends.Count);
        var checksPassed = 0;
        var unchangedPassed = 0;
        var declined = false;
        try
        {
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            {
                if (inline.Count > 0)
                {
                    await reader.NextResultAsync(cancellationToken);
                }
                if (locksFirst)
                {
                    await reader.NextResultAsync(cancellationToken);
                }
                // Each check that returns lets the reader on to the next command; the one that raises stops it there.
                while (unchangedPassed < _unchanged.Count)
                {
                    unchangedPassed++;
                    await reader.NextResultAsync(cancellationToken);
                }
                if (!careful && severalStreams)
                {
                    if (!await ReadSessionAppendAsync(reader, results, cancellationToken))
                    {
                        declined = true;
                        return null;
                    }
                    await reader.NextResultAsync(cancellationToken);
                }
                else
                {
                    // Each check that returns lets the reader on to the next command; the one that raises stops it there.
                    while (checksPassed < checks)
                    {
                        checksPassed++;
                        await reader.NextResultAsync(cancellationToken);
                    }
                    foreach (var append in _appends)
                    {
                        if (!careful)
                        {
                            var seqs = new long[append.Events.Count];
                            var rows = 0;
                            while (await reader.ReadAsync(cancellationToken))
                            {
                                seqs[reader.GetInt64(1) - append.ExpectedVersion - 1] = reader.GetInt64(0);
                                rows++;
                            }
                            if (rows == 0)
                            {
                                declined = true;
                                return null;
                            }
                            results.Add(ToResult(append, append.ExpectedVersion + append.Events.Count, seqs, duplicate: false));
                        }
                        else
                        {
                            await reader.ReadAsync(cancellationToken);
                            results.Add(ToResult(append, reader.GetInt64(0), reader.GetFieldValue<long[]>(1), reader.GetBoolean(2)));
                        }
                        await reader.NextResultAsync(cancellationToken);
                    }
                }
                // An archive returns no result set, so the reader is already at the transaction's id.
                if (inline.Count > 0)
                {
                    await reader.ReadAsync(cancellationToken);
                    if (!reader.IsDBNull(0))
                    {
                        results = AsCommitted(results, ulong.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetFieldValue<DateTimeOffset>(1));
                    }
                }
            }
            if (archives.FindIndex(a => a.RecordsAffected == 0) is var missing and >= 0)
            {
                throw new StreamNotFoundException(_archives[missing]);
            }

            if (connection is not null && transaction is not null)
            {
                var stored = results.Where(r => !r.WasDuplicate).SelectMany(r => r.Events).ToList();
                if (stored.Count > 0)
                {
                    var context = new ProjectionContext(connection, transaction, _store.Schema, tableSuffix: "");
                    foreach (var projection in inline)
                    {
                        var relevant = _store.Relevant(projection, stored);
                        if (relevant.Count > 0)
                        {
                            await projection.ApplyAsync(context, relevant, cancellationToken);
                        }
                    }
                }
                await transaction.CommitAsync(cancellationToken);
            }
        }
        // An id stored before may be a safe resend; nothing was kept, so the careful path decides.
        catch (PostgresException exception) when (!careful && exception is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "events_id_key" })
        {
            return null;
        }
        // The statements after a declined append still ran, in a transaction now rolled back; what they raised is the
        // careful path's to meet again, or to forestall with the conflict it reports first.
        catch (PostgresException) when (declined)
        {
            return null;
        }
        // 23505 on events_id_key in the careful path: an id already stored in another stream (or racing into one); never a safe resend.
        catch (PostgresException exception) when (exception.SqlState is "PX409" or "PX410" or "PX422"
            || (careful && exception is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "events_id_key" }))
        {
            // Results arrive in order, so the failing append is the first one not yet checked, or else the first
            // without a result. (PostgresException.BatchCommand is not set here: it named the first append every time.)
            if (exception.SqlState == "PX409" && unchangedPassed < _unchanged.Count)
            {
                var (streamId, version) = _unchanged[unchangedPassed];
                throw Conflict(streamId, version, exception);
            }
            var failed = _appends[Math.Min(checksPassed < checks ? checksPassed : results.Count, _appends.Count - 1)];
            throw exception.SqlState switch
            {
                "PX409" => Conflict(failed, exception),
                "PX410" => new StreamArchivedException(failed.StreamId),
                _ => new DuplicateEventException(failed.StreamId),
            };
        }
        return results;
    }

    /// <summary>Whether every event this session appends is stored already, in its tenant.</summary>
    private async Task<bool> AllEventsStoredAsync(CancellationToken cancellationToken)
    {
        var ids = _appends.SelectMany(a => a.Events.Select(e => e.Id)).ToArray();
        await using var command = _store.DataSource.CreateCommand($"SELECT count(*) FROM {_store.Schema}.events WHERE tenant_id = $1 AND id = ANY($2)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TenantId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == ids.Length;
    }

    /// <summary>Reads the session statement's rows into one result per append, in the session's order; false when it claimed nothing.</summary>
    private async Task<bool> ReadSessionAppendAsync(NpgsqlDataReader reader, List<AppendResult> results, CancellationToken cancellationToken)
    {
        var seqs = _appends.ConvertAll(append => new long[append.Events.Count]);
        var rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var index = _appends.FindIndex(a => a.StreamId == reader.GetString(1));
            seqs[index][reader.GetInt64(2) - _appends[index].ExpectedVersion - 1] = reader.GetInt64(0);
            rows++;
        }
        if (rows == 0)
        {
            return false;
        }
        for (var i = 0; i < _appends.Count; i++)
        {
            results.Add(ToResult(_appends[i], _appends[i].ExpectedVersion + _appends[i].Events.Count, seqs[i], duplicate: false));
        }
        return true;
    }

    private static ConcurrencyException Conflict(PendingAppend failed, PostgresException exception) => Conflict(failed.StreamId, failed.ExpectedVersion, exception);

    private static ConcurrencyException Conflict(string streamId, long expectedVersion, PostgresException exception)
    {
        StoreInstrumentation.ConcurrencyConflicts.Add(1);
        var actual = long.TryParse(exception.MessageText, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : -1;
        return new ConcurrencyException(streamId, expectedVersion, actual);
    }

    /// <summary>
    /// Locks every stream of the session before anything writes. PostgreSQL gives a transaction its id
    /// (the events' tx) at its first row lock or write, even one that then waits; a writer that got its
    /// id while queued for a stream's row could commit that stream's next versions under a smaller tx
    /// than the versions before them, and readers walking (tx, seq) would see the stream out of order.
    /// Advisory locks take no transaction id, so each writer's id comes after the previous writer of
    /// its streams committed. Taken in one sorted order, they cannot deadlock across sessions.
    /// </summary>
    private NpgsqlBatchCommand LockStreamsCommand()
    {
        var streams = _appends.Select(a => a.StreamId).Union(_archives, StringComparer.Ordinal).ToList();
        if (_unchanged.Count > 0)
        {
            // One sorted order over written and read streams alike, each in its own mode: still no deadlock.
            var locks = streams.Select(id => (Key: LockKey(id), Shared: false))
                .Concat(_unchanged.Select(u => (Key: LockKey(u.StreamId), Shared: true)))
                .OrderBy(l => l.Key, StringComparer.Ordinal).ToList();
            var mixed = new NpgsqlBatchCommand(AppendStatements.LockMixed);
            mixed.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. locks.Select(l => l.Key)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            mixed.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. locks.Select(l => l.Shared)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
            return mixed;
        }
        if (streams.Count == 1)
        {
            var single = new NpgsqlBatchCommand(AppendStatements.LockOne);
            single.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LockKey(streams[0]), NpgsqlDbType = NpgsqlDbType.Text });
            return single;
        }
        var command = new NpgsqlBatchCommand(AppendStatements.LockMany);
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = streams.Select(LockKey).Order(StringComparer.Ordinal).ToArray(),
        });
        return command;
    }

    private string LockKey(string streamId) => string.Concat(_store.Statements.LockKeyPrefix, TenantId, ":", streamId);

    /// <summary>One event travels as plain values, which spares the server an array to unpack.</summary>
    private NpgsqlBatchCommand PlainAppendCommand(PendingAppend append, string metadataJson)
    {
        var single = append.Events.Count == 1;
        var command = new NpgsqlBatchCommand(_store.Statements.Plain(append.ExpectedVersion == ExpectedVersion.New, single));
        AddAppendParameters(command, append, metadataJson, asValues: single);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = append.Events.Count, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = LockKey(append.StreamId), NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    private NpgsqlBatchCommand SessionAppendCommand(string metadataJson)
    {
        var command = new NpgsqlBatchCommand(_store.Statements.Session);
        var eventCount = _appends.Sum(a => a.Events.Count);
        var (streamIds, versions, ids, types, data) = (new string[eventCount], new long[eventCount], new Guid[eventCount], new string[eventCount], new string[eventCount]);
        var e = 0;
        foreach (var append in _appends)
        {
            for (var i = 0; i < append.Events.Count; i++, e++)
            {
                (streamIds[e], versions[e], ids[e], types[e], data[e]) =
                    (append.StreamId, append.ExpectedVersion + i + 1, append.Events[i].Id, append.Events[i].TypeName, append.Events[i].Json);
            }
        }
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TenantId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = _appends.ConvertAll(a => a.StreamId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = _appends.ConvertAll(a => a.StreamType).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = _appends.ConvertAll(a => a.ExpectedVersion).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = _appends.ConvertAll(a => (long)a.Events.Count).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = streamIds, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadataJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
        return command;
    }

    private NpgsqlBatchCommand CheckCommand(PendingAppend append)
    {
        var command = new NpgsqlBatchCommand(_store.Statements.Check);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TenantId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = append.StreamId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = append.ExpectedVersion, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. append.Events.Select(e => e.Id)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        return command;
    }

    private NpgsqlBatchCommand UnchangedCommand(string streamId, long version)
    {
        var command = new NpgsqlBatchCommand(_store.Statements.Unchanged);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TenantId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = streamId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version, NpgsqlDbType = NpgsqlDbType.Bigint });
        return command;
    }

    private NpgsqlBatchCommand CarefulAppendCommand(PendingAppend append, string metadataJson)
    {
        var command = new NpgsqlBatchCommand(_store.Statements.Careful);
        AddAppendParameters(command, append, metadataJson, asValues: false);
        return command;
    }

    /// <summary>Typed parameters skip Npgsql's per-call type resolution, which shows on the append's hot path.</summary>
    private void AddAppendParameters(NpgsqlBatchCommand command, PendingAppend append, string metadataJson, bool asValues)
    {
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = TenantId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = append.StreamId, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = append.StreamType, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = append.ExpectedVersion, NpgsqlDbType = NpgsqlDbType.Bigint });
        if (asValues)
        {
            var only = append.Events[0];
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = only.Id, NpgsqlDbType = NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = only.TypeName, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = only.Json, NpgsqlDbType = NpgsqlDbType.Jsonb });
        }
        else
        {
            var count = append.Events.Count;
            var (ids, types, data) = (new Guid[count], new string[count], new string[count]);
            for (var i = 0; i < count; i++)
            {
                (ids[i], types[i], data[i]) = (append.Events[i].Id, append.Events[i].TypeName, append.Events[i].Json);
            }
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = types, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = data, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        }
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = metadataJson, NpgsqlDbType = NpgsqlDbType.Jsonb });
    }

    /// <summary>Inline projections see the events as an async reader would: with their transaction's id and timestamp, not the client's clock.</summary>
    private static List<AppendResult> AsCommitted(List<AppendResult> results, ulong transactionId, DateTimeOffset timestamp) =>
        results.ConvertAll(result => result with
        {
            Events = [.. result.Events.Select(e => e with { TransactionId = transactionId, Timestamp = timestamp })],
        });

    private AppendResult ToResult(PendingAppend append, long version, long[] seqs, bool duplicate)
    {
        if (duplicate)
        {
            return new AppendResult(append.StreamId, version, [], WasDuplicate: true);
        }
        var metadata = Metadata;
        var now = DateTimeOffset.UtcNow;
        var firstVersion = version - append.Events.Count + 1;
        var events = new StoredEvent[append.Events.Count];
        for (var i = 0; i < events.Length; i++)
        {
            var e = append.Events[i];
            events[i] = new StoredEvent(seqs[i], e.Id, append.StreamId, firstVersion + i, TenantId, e.TypeName, e.Data, metadata, now, TransactionId: 0);
        }
        return new AppendResult(append.StreamId, version, events, WasDuplicate: false);
    }

    private static void ValidateStreamId(string streamId)
    {
        ValidateText(streamId, nameof(streamId));
        if (streamId.Length > MaxStreamIdLength)
        {
            throw new ArgumentException($"A stream id is at most {MaxStreamIdLength} characters.", nameof(streamId));
        }
    }

    /// <summary>An id or name must be present, and free of the NUL character, which PostgreSQL text cannot hold.</summary>
    internal static void ValidateText(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The NUL character cannot be stored.", parameterName);
        }
    }

    public ValueTask DisposeAsync()
    {
        _appends.Clear();
        _archives.Clear();
        _queuedCommands.Clear();
        _unchanged.Clear();
        return ValueTask.CompletedTask;
    }

    private sealed record SerializedEvent(Guid Id, string TypeName, string Json, object Data);

    private sealed record PendingAppend(string StreamId, string StreamType, long ExpectedVersion, IReadOnlyList<SerializedEvent> Events);
}
