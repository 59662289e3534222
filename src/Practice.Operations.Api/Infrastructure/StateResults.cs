using System.Security.Claims;
using Practice.Domain;
using Practice.EventStore;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Infrastructure;

public static class StateResults
{
    /// <summary>
    /// A stream folded into its state, with its version as ETag; 404 when the caller's tenant has no such
    /// stream, which is also what another tenant's id looks like.
    /// </summary>
    /// <param name="view">What the caller may see of the state, when not all of it.</param>
    public static async Task<IResult> GetStateAsync<TState>(
        this StreamStore store, ClaimsPrincipal caller, string streamId, string what, string notFoundCode, CancellationToken ct, Func<TState, object>? view = null)
        where TState : IState<TState>
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.OpenSession(caller.TenantId());
        var (state, version) = await session.AggregateStreamAsync(streamId, TState.Initial, static (s, e) => s.Apply(e), cancellationToken: ct);
        return version > 0
            ? CommandResults.Ok(view is null ? state! : view(state!), version)
            : Problems.Result(StatusCodes.Status404NotFound, "Not found", $"No such {what}.", code: notFoundCode);
    }
}
