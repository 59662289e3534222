using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Practice.EventStore;

namespace Practice.Messaging;

/// <summary>
/// Idempotency-Key on POST: the first request with a key runs and its answer is stored; the same key
/// with the same body gets that answer again without running twice; the same key with another body is a 422.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, StreamStore store)
{
    public const string Header = "Idempotency-Key";

    /// <summary>A reservation with no answer after this long belongs to a request that died; it may be taken over.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = context.Request.Headers[Header].ToString();
        var tenant = context.User.FindFirst("tenant")?.Value;
        if (!HttpMethods.IsPost(context.Request.Method) || key.Length == 0 || tenant is null)
        {
            await next(context);
            return;
        }
        if (key.Length > 200)
        {
            await WriteProblem(context, 400, "Invalid Idempotency-Key", "An Idempotency-Key is at most 200 characters.");
            return;
        }

        context.Request.EnableBuffering();
        var hash = await HashRequestAsync(context.Request);
        var stored = await ReserveAsync(tenant, key, hash, context.RequestAborted);
        switch (stored)
        {
            case { Hash: var storedHash } when storedHash != hash:
                await WriteProblem(context, 422, "Idempotency-Key reused", "This Idempotency-Key was used with a different request.");
                return;
            case { StatusCode: int status }:
                context.Response.StatusCode = status;
                context.Response.ContentType = stored.ContentType;
                context.Response.Headers["Idempotent-Replayed"] = "true";
                await context.Response.Body.WriteAsync(stored.Body, context.RequestAborted);
                return;
            case not null:
                await WriteProblem(context, 409, "Request in progress", "A request with this Idempotency-Key is still being processed.");
                return;
        }

        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }
        var body = buffer.ToArray();
        await CompleteAsync(tenant, key, context.Response.StatusCode, context.Response.ContentType, body);
        await original.WriteAsync(body, context.RequestAborted);
    }

    private static async Task<string> HashRequestAsync(HttpRequest request)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk)) > 0)
        {
            sha.AppendData(chunk, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private sealed record StoredAnswer(string Hash, int? StatusCode, string? ContentType, byte[] Body);

    /// <summary>Returns null when this request now owns the key, else what is stored under it.</summary>
    private async Task<StoredAnswer?> ReserveAsync(string tenant, string key, string hash, CancellationToken cancellationToken)
    {
        await using var command = store.DataSource.CreateCommand($"""
            WITH taken AS (
                INSERT INTO {store.Schema}.idempotency_keys AS k (tenant_id, key, request_hash) VALUES ($1, $2, $3)
                ON CONFLICT (tenant_id, key) DO UPDATE SET request_hash = excluded.request_hash, created_at = now()
                 WHERE k.status_code IS NULL AND k.created_at < now() - $4
                RETURNING 1)
            SELECT request_hash, status_code, content_type, response FROM {store.Schema}.idempotency_keys
             WHERE tenant_id = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM taken)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = hash });
        command.Parameters.Add(new NpgsqlParameter { Value = AbandonedAfter });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new StoredAnswer(reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? [] : reader.GetFieldValue<byte[]>(3));
    }

    /// <summary>A server error is not an answer worth repeating: the key is released so a retry runs again.</summary>
    private async Task CompleteAsync(string tenant, string key, int status, string? contentType, byte[] body)
    {
        await using var command = store.DataSource.CreateCommand(status >= 500
            ? $"DELETE FROM {store.Schema}.idempotency_keys WHERE tenant_id = $1 AND key = $2"
            : $"UPDATE {store.Schema}.idempotency_keys SET status_code = $3, content_type = $4, response = $5 WHERE tenant_id = $1 AND key = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        if (status < 500)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = status });
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)contentType ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = body });
        }
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static Task WriteProblem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { type = $"https://httpstatuses.io/{status}", title, status, detail, code = "idempotency" },
            (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
