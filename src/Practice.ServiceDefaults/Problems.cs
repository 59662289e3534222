using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Practice.EventStore;

namespace Practice.ServiceDefaults;

/// <summary>RFC 9457 problem details for every error a host answers; a 500 never carries internals.</summary>
public static partial class Problems
{
    public const string ContentType = "application/problem+json";

    internal const string UnsupportedMediaTypeDetail = "Send the body as JSON, with Content-Type: application/json.";

    public static ProblemDetails Create(int status, string title, string? detail = null, string? field = null, string? code = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail ?? title] };
        }
        if (code is not null)
        {
            problem.Extensions["code"] = code;
        }
        return problem;
    }

    public static IResult Result(int status, string title, string? detail = null, string? field = null, string? code = null) =>
        TypedResults.Json(Create(status, title, detail, field, code), (JsonSerializerOptions?)null, ContentType, status);

    public static IResult Validation(string field, string detail) =>
        Result(StatusCodes.Status400BadRequest, "Invalid request", detail, field, "invalid-input");

    public static Task WriteAsync(HttpContext context, int status, string title, string? detail = null, string? field = null, string? code = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(Create(status, title, detail, field, code), (JsonSerializerOptions?)null, ContentType);
    }

    /// <summary>
    /// Maps what escaped an endpoint to a problem: bad JSON, oversized bodies and unstorable text to 4xx, a lost race to 409.
    /// Only a request body's JSON is the caller's fault (it arrives wrapped by binding); any other JsonException, such as
    /// a stored event that no longer reads, is the server's and a 500.
    /// </summary>
    internal sealed partial class ExceptionHandler(ILogger<ExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            var (status, title, detail, field, code) = exception switch
            {
                BadHttpRequestException { InnerException: JsonException json } => (400, "Malformed JSON", Describe(json), FieldOf(json), "malformed-json"),
                // Without a Content-Type at all, the request delegate refuses the body itself (the route's check needs one).
                BadHttpRequestException { StatusCode: 415 } =>
                    (415, "Unsupported Media Type", UnsupportedMediaTypeDetail, null, "unsupported-media-type"),
                BadHttpRequestException { StatusCode: 413 } => (413, "Request body too large", exception.Message, null, "body-too-large"),
                BadHttpRequestException bad when BoundParameter().Match(bad.Message) is { Success: true } parameter =>
                    (400, "Invalid request", bad.Message.StartsWith("Required", StringComparison.Ordinal)
                        ? $"'{parameter.Groups["name"].Value}' is required."
                        : $"'{parameter.Groups["name"].Value}' has the wrong type or format{(parameter.Groups["type"].Value is "IsoDate" or "DateOnly" ? " (a date is yyyy-MM-dd)" : "")}.",
                     parameter.Groups["name"].Value, "invalid-input"),
                BadHttpRequestException bad when bad.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal)
                                                || bad.Message.EndsWith("was not provided from body.", StringComparison.Ordinal) =>
                    (400, "Malformed JSON", "This request needs a JSON body.", null, "malformed-json"),
                BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message, null, "bad-request"),
                EventTooLargeException or MetadataTooLargeException =>
                    (413, "Too large to store", "What this request would record is larger than an event may be.", null, "event-too-large"),
                ConcurrencyException => (409, "Conflict", "Someone else changed this at the same time; reload and try again.", null, "concurrency-conflict"),
                // PostgreSQL cannot store NUL in text or jsonb: refused by the store, or by the server for a query's own parameters.
                UnstorableTextException or Npgsql.PostgresException { SqlState: "22021" or "22P05" } =>
                    (400, "Unstorable text", "The request contains a NUL character (\\u0000), which cannot be stored.", null, "nul-character"),
                _ => (500, "Internal error", "The request could not be completed; it has been logged.", (string?)null, (string?)null),
            };
            if (status >= 500)
            {
                logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            }
            await WriteAsync(context, status, title, detail, field, code);
            return true;
        }

        /// <summary>ASP.NET's binding messages: Failed to bind parameter "Type name" from "value", and Required parameter "Type name" was not provided.</summary>
        // A body that is missing is not a field; it is answered as malformed JSON.
        [System.Text.RegularExpressions.GeneratedRegex("""^(?:Failed to bind parameter "(?<type>[^" ]+) (?<name>[^" ]+)" from "|Required parameter "(?<type>[^" ]+) (?<name>[^" ]+)" was not provided from (?!body))""")]
        private static partial System.Text.RegularExpressions.Regex BoundParameter();

        /// <summary>Says where and what, without the CLR type names System.Text.Json puts in its messages.</summary>
        private static string Describe(JsonException json) => (FieldOf(json), json.Message) switch
        {
            ({ } field, var message) when message.Contains("could not be converted", StringComparison.Ordinal) => $"'{field}' has the wrong type or format.",
            ({ } field, var message) when message.Contains("missing required properties", StringComparison.Ordinal) => $"'{field}' is missing required properties.",
            ({ } field, _) => $"The JSON is not valid at '{field}'.",
            (null, var message) when message.Contains("missing required properties", StringComparison.Ordinal) => MissingProperties(message),
            _ => "The request body is not valid JSON for this endpoint.",
        };

        /// <summary>"JSON deserialization for type 'X' was missing required properties including: 'a', 'b'." keeps only the names.</summary>
        private static string MissingProperties(string message)
        {
            var names = message.Split("including:", 2) is [_, var tail] ? tail.Split(". Path", 2)[0].Trim().TrimEnd('.') : "";
            return names.Length > 0 ? $"Required properties are missing: {names}." : "Required properties are missing.";
        }

        private static string? FieldOf(JsonException json) =>
            json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
    }

    internal static IServiceCollection AddPracticeProblems(this IServiceCollection services) =>
        services.AddProblemDetails().AddExceptionHandler<ExceptionHandler>();
}
