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
    /// <param name="visibleTo">
    /// Whether this caller may see the state at all; a state they may not see answers the same 404, so its
    /// existence is not given away either.
    /// </param>
    public static async Task<IResult> GetStateAsync<TState>(this StreamStore store, ClaimsPrincipal caller, string streamId, string what, string notFoundCode,
        CancellationToken ct, Func<TState, bool>? visibleTo = null)
        where TState : IState<TState>
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.OpenSession(caller.TenantId());
        var (state, version) = await session.AggregateStreamAsync(streamId, TState.Initial, static (s, e) => s.Apply(e), ct);
        return version > 0 && (visibleTo is null || visibleTo(state))
            ? CommandResults.Ok(state!, version)
            : Problems.Result(StatusCodes.Status404NotFound, "Not found", $"No such {what}.", code: notFoundCode);
    }
}
