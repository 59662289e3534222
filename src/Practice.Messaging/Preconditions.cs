using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Practice.Messaging;

/// <summary>Pipeline refusals that are not the domain's: the caller's If-Match named a version the resource has left.</summary>
public static class CommandErrorCodes
{
    public const string VersionMismatch = "version-mismatch";
}

/// <summary>
/// The stream version a request's If-Match names, for the command it runs: the command is carried out only while
/// its own stream is still at that version, so a client that read an ETag cannot overwrite a change it never saw.
/// </summary>
public static class VersionPrecondition
{
    private static readonly AsyncLocal<long?> Current = new();

    internal static long? Expected => Current.Value;

    internal static void Enter(long version) => Current.Value = version;
}

/// <summary>
/// Reads If-Match on writes: one strong entity tag as this API writes them ("12", or "0" for what does not exist yet),
/// or * for any current version.
/// Anything else is a 400, since guessing at it could let a stale write through.
/// </summary>
public sealed class IfMatchMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0 || header == "*" || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }
        if (!TryParse(header, out var version))
        {
            await MessagingProblems.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid If-Match",
                "If-Match is one ETag as this API sends it (for example \"3\"), or *.", "invalid-if-match");
            return;
        }
        VersionPrecondition.Enter(version);
        await next(context);
    }

    private static bool TryParse(string header, out long version)
    {
        version = 0;
        return header.Length > 2 && header[0] == '"' && header[^1] == '"'
            && long.TryParse(header.AsSpan(1, header.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}
