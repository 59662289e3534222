using System.Security.Claims;
using Practice.Domain;
using Practice.Messaging;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Infrastructure;

/// <summary>Sends a command for the caller's tenant and turns the outcome into an HTTP answer.</summary>
public static class CommandResults
{
    public static async Task<IResult> SendAsync(this CommandBus bus, ClaimsPrincipal caller, object command, Func<CommandResult, IResult> onSuccess, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(onSuccess);
        var result = await bus.SendAsync(caller.TenantId(), caller.UserId(), command, cancellationToken);
        return result.Error is { } error ? ToProblem(error) : onSuccess(result);
    }

    /// <summary>For commands on one stream: 200 with the body built from that stream's new version, which is also the ETag.</summary>
    public static Task<IResult> SendAsync(this CommandBus bus, ClaimsPrincipal caller, object command, string streamId, Func<long, object> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return bus.SendAsync(caller, command, result =>
        {
            var version = result.VersionOf(streamId);
            return Ok(body(version), version);
        }, cancellationToken);
    }

    /// <summary>Not-found codes are 404 (also what another tenant's id looks like), conflicts 409, a version If-Match no longer names 412, any other refusal 422.</summary>
    public static IResult ToProblem(DomainError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var status = error.Code switch
        {
            _ when error.Code.EndsWith("-not-found", StringComparison.Ordinal) => StatusCodes.Status404NotFound,
            DomainErrorCodes.NotSessionTherapist or DomainErrorCodes.IntakeAlreadyTaken => StatusCodes.Status403Forbidden,
            CommandErrorCodes.VersionMismatch => StatusCodes.Status412PreconditionFailed,
            _ when DomainErrorCodes.Conflicts.Contains(error.Code) => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status422UnprocessableEntity,
        };
        var title = status switch
        {
            StatusCodes.Status404NotFound => "Not found",
            StatusCodes.Status403Forbidden => "Forbidden",
            StatusCodes.Status409Conflict => "Conflict",
            StatusCodes.Status412PreconditionFailed => "Precondition failed",
            _ => "Request refused",
        };
        return Problems.Result(status, title, error.Message, error.Field, error.Code);
    }

    /// <summary>201 with the new resource's location, its id and the stream version as ETag.</summary>
    public static IResult Created(string location, object body, long version) =>
        new VersionedResult(TypedResults.Created(location, body), version);

    public static IResult Ok(object body, long version) => new VersionedResult(TypedResults.Ok(body), version);

    // Passes the inner answer's status and value through, so endpoint filters (the access audit) can read them.
    private sealed class VersionedResult(IResult inner, long version) : IResult, IStatusCodeHttpResult, IValueHttpResult
    {
        public int? StatusCode => (inner as IStatusCodeHttpResult)?.StatusCode;

        public object? Value => (inner as IValueHttpResult)?.Value;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ETag = $"\"{version}\"";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
