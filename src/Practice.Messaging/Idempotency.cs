using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Practice.EventStore;

namespace Practice.Messaging;

/// <summary>
/// The Idempotency-Key of the request being handled. A command it runs records, in the transaction of its own
/// appends, that the key's request committed: a request that dies after that commit but before its answer is
/// stored is then never run again.
/// </summary>
public static class IdempotencyScope
{
    private static readonly AsyncLocal<(string Tenant, string Key, Guid Owner)?> Current = new();

    internal static void Enter(string tenant, string key, Guid owner) => Current.Value = (tenant, key, owner);

    /// <summary>
    /// Marks the key committed, or fails the command's transaction when a retry has taken the key over from this
    /// request (it ran past the abandonment time): then only one of the two can commit.
    /// </summary>
    internal static void RecordCommit(EventSession session, string schema)
    {
        if (Current.Value is var (tenant, key, owner) && tenant == session.TenantId)
        {
            session.QueueSqlCommand($"SELECT {schema}.idempotency_committed($1, $2, $3)", tenant, key, owner);
        }
    }
}

/// <summary>
/// Idempotency-Key on POST, scoped to the caller (the token's subject) in its tenant (see <see cref="StoredKey"/>): the first request with a key
/// runs and its answer is stored; the same key with the same body gets that answer again without running twice; the same key with another body is a 422.
/// A request that committed but whose answer was lost (the process died, or it failed after its commit) is not
/// run again: the key answers 409 idempotency-answer-lost.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, StreamStore store)
{
    public const string Header = "Idempotency-Key";

    /// <summary>How long a key is remembered: a retry after this runs as a new request.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>How many expired keys one purge statement forgets at most.</summary>
    public const int PurgeBatch = 10_000;

    /// <summary>
    /// Forgets keys older than <see cref="Retention"/>, a bounded number at a time; returns how many. A key past it
    /// is already treated as new when it comes again, so this only keeps the table small.
    /// </summary>
    public static async Task<int> PurgeExpiredAsync(StreamStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var command = store.DataSource.CreateCommand($"""
            DELETE FROM {store.Schema}.idempotency_keys
             WHERE (tenant_id, key) IN (SELECT tenant_id, key FROM {store.Schema}.idempotency_keys WHERE created_at < now() - $1 LIMIT {PurgeBatch})
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = Retention });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A key is stored under its caller (the token's subject), as clients choose keys without knowing of each other:
    /// two integrations of one clinic that both count 1, 2, 3 must not meet. A header value holds no line break, so
    /// the caller's part cannot run into the key's. Keys stored bare, by versions that scoped them to the tenant, are
    /// still honoured for the caller that sends them again until they expire, so a retry across the upgrade (or on an
    /// instance not yet upgraded) does not run twice.
    /// </summary>
    public static string StoredKey(string caller, string key) => $"{caller}\n{key}";

    /// <summary>A reservation with no answer after this long belongs to a request that died; it may be taken over.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sentKey = context.Request.Headers[Header].ToString();
        var tenant = context.User.FindFirst("tenant")?.Value;
        if (!HttpMethods.IsPost(context.Request.Method) || sentKey.Length == 0 || tenant is null)
        {
            await next(context);
            return;
        }
        if (sentKey.Length > 200)
        {
            await WriteProblem(context, 400, "Invalid Idempotency-Key", "An Idempotency-Key is at most 200 characters.");
            return;
        }
        var key = StoredKey(context.User.FindFirst("sub")?.Value ?? "", sentKey);

        context.Request.EnableBuffering();
        var hash = await HashRequestAsync(context.Request);
        // Identifies this request's hold on the key, so a request that was taken over cannot commit or answer for it.
        var owner = Guid.NewGuid();
        var stored = await ReserveAsync(tenant, key, sentKey, hash, owner, context.RequestAborted);
        switch (stored)
        {
            case { Hash: var storedHash } when storedHash != hash:
                await WriteProblem(context, 422, "Idempotency-Key reused", "This Idempotency-Key was used with a different request.");
                return;
            case { StatusCode: int status }:
                context.Response.StatusCode = status;
                context.Response.ContentType = stored.ContentType;
                if (stored.Location is not null)
                {
                    context.Response.Headers.Location = stored.Location;
                }
                if (stored.ETag is not null)
                {
                    context.Response.Headers.ETag = stored.ETag;
                }
                context.Response.Headers["Idempotent-Replayed"] = "true";
                // As on the first answer: a bodiless one is left unstarted, for the status-code handler's problem details.
                if (stored.Body.Length > 0)
                {
                    await context.Response.Body.WriteAsync(stored.Body, context.RequestAborted);
                }
                return;
            case { Committed: true, Abandoned: true }:
                await WriteProblem(context, 409, AnswerLostTitle, AnswerLostDetail, AnswerLostCode);
                return;
            case not null:
                await WriteProblem(context, 409, "Request in progress", "A request with this Idempotency-Key is still being processed.");
                return;
        }

        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        IdempotencyScope.Enter(tenant, key, owner);
        try
        {
            await next(context);
        }
        catch (PostgresException exception) when (exception.SqlState == MessagingSqlStates.TakenOver)
        {
            context.Response.Body = original;
            context.Response.Clear();
            await WriteProblem(context, 409, "Request taken over",
                "A retry with this Idempotency-Key took this request over after it ran too long; this one was not carried out.");
            return;
        }
        catch
        {
            await ReleaseAsync(tenant, key, owner);
            throw;
        }
        finally
        {
            context.Response.Body = original;
        }
        var body = buffer.ToArray();
        // A 415 ran nothing and depends on the Content-Type, which the request's hash leaves out: stored, it would
        // answer the corrected retry (the same body sent as JSON) with the same 415 for as long as keys are kept.
        if (context.Response.StatusCode is >= 500 or StatusCodes.Status415UnsupportedMediaType)
        {
            await ReleaseAsync(tenant, key, owner);
        }
        else
        {
            await CompleteAsync(tenant, key, owner, context.Response, body);
        }
        // Writing nothing would still start the response, and a bodiless answer would lose the problem details
        // that the status-code handler outside writes for it.
        if (body.Length > 0)
        {
            await original.WriteAsync(body, context.RequestAborted);
        }
    }

    private const string AnswerLostTitle = "Request already carried out";
    private const string AnswerLostDetail =
        "A request with this Idempotency-Key was carried out, but its answer was lost; it will not run again. Read the resource to see its state.";
    private const string AnswerLostCode = "idempotency-answer-lost";

    private static async Task<string> HashRequestAsync(HttpRequest request)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // If-Match is part of what was asked: the same body held to another version is another request. Without one
        // the hash is what it was before If-Match was read, so keys stored by earlier versions still compare.
        var ifMatch = request.Headers.IfMatch.ToString();
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n{(ifMatch.Length > 0 ? $"If-Match: {ifMatch}\n" : "")}"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            sha.AppendData(chunk, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private sealed record StoredAnswer(string Hash, int? StatusCode, string? ContentType, string? Location, string? ETag, byte[] Body, bool Committed, bool Abandoned);

    /// <summary>Returns null when this request now owns the key, else what is stored under it.</summary>
    private async Task<StoredAnswer?> ReserveAsync(string tenant, string key, string sentKey, string hash, Guid owner, CancellationToken cancellationToken)
    {
        // A statement that waited on another request's insert of the same key sees neither that row (it committed
        // after this statement's snapshot) nor a row of its own; it is run again, with a snapshot that sees it.
        for (var attempt = 1; ; attempt++)
        {
            var (owned, stored) = await TryReserveAsync(tenant, key, sentKey, hash, owner, cancellationToken);
            if (owned || stored is not null)
            {
                return stored;
            }
            if (attempt == 3)
            {
                // Still neither: another request holds the key in a way this one cannot see; it is not this one's to run.
                return new StoredAnswer(hash, null, null, null, null, [], Committed: false, Abandoned: false);
            }
        }
    }

    private async Task<(bool Owned, StoredAnswer? Stored)> TryReserveAsync(string tenant, string key, string sentKey, string hash, Guid owner, CancellationToken cancellationToken)
    {
        await using var command = store.DataSource.CreateCommand($"""
            WITH legacy AS (
                SELECT request_hash, status_code, content_type, location, etag, response, committed_at IS NOT NULL AS committed, created_at < now() - $4 AS abandoned
                  FROM {store.Schema}.idempotency_keys
                 WHERE tenant_id = $1 AND key = $7 AND created_at >= now() - $6),
            taken AS (
                INSERT INTO {store.Schema}.idempotency_keys AS k (tenant_id, key, request_hash, owner)
                SELECT $1, $2, $3, $5 WHERE NOT EXISTS (SELECT 1 FROM legacy)
                ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = excluded.request_hash, created_at = now(), owner = excluded.owner,
                                                           location = NULL, etag = NULL, status_code = NULL, content_type = NULL,
                                                           response = NULL, committed_at = NULL
                 WHERE (k.status_code IS NULL AND k.committed_at IS NULL AND k.created_at < now() - $4 AND k.request_hash = excluded.request_hash)
                    OR k.created_at < now() - $6
                RETURNING 1)
            SELECT true, NULL, NULL, NULL, NULL, NULL, NULL, false, false FROM taken
            UNION ALL
            SELECT false, request_hash, status_code, content_type, location, etag, response, committed, abandoned FROM legacy
            UNION ALL
            SELECT false, request_hash, status_code, content_type, location, etag, response, committed_at IS NOT NULL, created_at < now() - $4
              FROM {store.Schema}.idempotency_keys
             WHERE tenant_id = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM taken) AND NOT EXISTS (SELECT 1 FROM legacy)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = hash });
        command.Parameters.Add(new NpgsqlParameter { Value = AbandonedAfter });
        command.Parameters.Add(new NpgsqlParameter { Value = owner });
        command.Parameters.Add(new NpgsqlParameter { Value = Retention });
        command.Parameters.Add(new NpgsqlParameter { Value = sentKey });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (false, null);
        }
        if (reader.GetBoolean(0))
        {
            return (true, null);
        }
        return (false, new StoredAnswer(reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetInt32(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.IsDBNull(6) ? [] : reader.GetFieldValue<byte[]>(6),
            reader.GetBoolean(7), reader.GetBoolean(8)));
    }

    /// <summary>The answer is kept with the headers a client reads back: where the resource is, and its version.</summary>
    private Task CompleteAsync(string tenant, string key, Guid owner, HttpResponse response, byte[] body) =>
        ExecuteAsync($"""
            UPDATE {store.Schema}.idempotency_keys SET status_code = $4, content_type = $5, location = $6, etag = $7, response = $8
             WHERE tenant_id = $1 AND key = $2 AND owner = $3
            """,
            tenant, key, owner, response.StatusCode, Text(response.ContentType), Text(response.Headers.Location.ToString()), Text(response.Headers.ETag.ToString()), body);

    private static object Text(string? value) => string.IsNullOrEmpty(value) ? DBNull.Value : value;

    /// <summary>
    /// A server error is not an answer worth repeating: if nothing committed, the key is released so a retry runs
    /// again; if the command did commit, the key keeps, as its answer, that it was carried out.
    /// </summary>
    private Task ReleaseAsync(string tenant, string key, Guid owner) =>
        ExecuteAsync($"""
            WITH released AS (
                DELETE FROM {store.Schema}.idempotency_keys WHERE tenant_id = $1 AND key = $2 AND owner = $3 AND committed_at IS NULL)
            UPDATE {store.Schema}.idempotency_keys SET status_code = 409, content_type = $4, response = $5
             WHERE tenant_id = $1 AND key = $2 AND owner = $3 AND committed_at IS NOT NULL
            """, tenant, key, owner, MessagingProblems.ContentType, MessagingProblems.Body(409, AnswerLostTitle, AnswerLostDetail, AnswerLostCode));

    private async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = store.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter is DBNull
                ? new NpgsqlParameter { Value = parameter, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text }
                : new NpgsqlParameter { Value = parameter });
        }
        // The answer is recorded even when the caller has gone: a retry must find it.
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static Task WriteProblem(HttpContext context, int status, string title, string detail, string code = "idempotency") =>
        MessagingProblems.WriteAsync(context, status, title, detail, code);
}

/// <summary>RFC 9457 answers written by the pipeline's middleware, before any endpoint (and its problem writer) runs.</summary>
internal static class MessagingProblems
{
    public const string ContentType = "application/problem+json";

    public static byte[] Body(int status, string title, string detail, string code) =>
        System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { type = $"https://httpstatuses.io/{status}", title, status, detail, code });

    public static async Task WriteAsync(HttpContext context, int status, string title, string detail, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        await context.Response.Body.WriteAsync(Body(status, title, detail, code), context.RequestAborted);
    }
}
