using System.Security.Claims;
using System.Text.Json;
using Practice.Domain;
using Practice.Domain.Clients;
using Practice.Domain.Clients.GrantingConsent;
using Practice.Domain.Clients.RecordingIntake;
using Practice.Domain.Clients.RegisteringClient;
using Practice.Domain.Clients.WithdrawingConsent;
using Practice.Domain.Clinics;
using Practice.Messaging;
using Practice.Operations.Api.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Clients;

public sealed record ContactRequest(string? Email = null, string? Phone = null);
public sealed record RegisterClientRequest(string Name, DateOnly DateOfBirth, ContactRequest? Contact = null);
public sealed record RecordIntakeRequest(IReadOnlyList<string> Conditions, IReadOnlyList<Contraindication> Contraindications);
public sealed record GrantConsentRequest(ConsentScope Scope, bool Written, string? GuardianName = null, Guid? LocationId = null);
public sealed record ClientCreated(Guid ClientId, long Version);

/// <summary>The client as the front desk reads it: the intake's contraindications are clinical, as on the timeline.</summary>
public sealed record FrontDeskClient(bool Exists, Guid ClientId, DateOnly DateOfBirth, bool IntakeTaken, IReadOnlyDictionary<ConsentScope, GivenConsent> Consents)
{
    public static object Of(Client client) => new FrontDeskClient(client.Exists, client.ClientId, client.DateOfBirth, client.IntakeTaken, client.Consents);
}

public static class ClientsEndpoints
{
    public static CommandRegistry AddClientsHandlers(this CommandRegistry registry) => registry
        .Handle<RegisterClient, Client>(c => Client.StreamId(c.ClientId), RegisterClientHandler.Decide)
        .Handle<RecordIntake, Client>(c => Client.StreamId(c.ClientId), RecordIntakeHandler.Decide)
        .Handle<GrantConsent, Client>(c => Client.StreamId(c.ClientId), async (c, ctx, ct) => GrantConsentHandler.Decide(
            c,
            await ctx.LoadAsync<Client>(Client.StreamId(c.ClientId), ct),
            c.LocationId is { } locationId ? await ctx.LoadAsync<Location>(Location.StreamId(locationId), ct) : null))
        .Handle<WithdrawConsent, Client>(c => Client.StreamId(c.ClientId), WithdrawConsentHandler.Decide);

    public static RouteGroupBuilder MapClients(this RouteGroupBuilder api)
    {
        // Registering is front-desk work; intake and consent are also taken in the treatment room; everyone clinical reads.
        var frontDesk = api.MapGroup("/clients").WithTags("Clients").RequireAuthorization(policy => policy.RequireRole(Roles.FrontDesk, Roles.Manager));
        var clinical = api.MapGroup("/clients").WithTags("Clients").RequireAuthorization(policy => policy.RequireRole(Roles.FrontDesk, Roles.Therapist, Roles.Manager));

        frontDesk.MapPost("/", async (RegisterClientRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            if ((Validation.RequireText(request.Name, "name", 200)
                ?? (request.Contact?.Email is { Length: > 320 } ? Problems.Validation("contact.email", "'contact.email' is at most 320 characters.") : null)
                ?? (request.Contact?.Phone is { Length: > 50 } ? Problems.Validation("contact.phone", "'contact.phone' is at most 50 characters.") : null)) is { } invalid)
            {
                return invalid;
            }
            var id = Guid.CreateVersion7();
            var contact = new Contact(request.Contact?.Email?.Trim(), request.Contact?.Phone?.Trim());
            return await bus.SendAsync(caller, new RegisterClient(id, request.Name, request.DateOfBirth, contact, clock.GetUtcNow()), result =>
            {
                var version = result.VersionOf(Client.StreamId(id));
                return CommandResults.Created($"/api/clients/{id}", new ClientCreated(id, version), version);
            }, ct);
        }).WithName("RegisterClient");

        // PUT: an intake replaces the previous one, for a caller who can read what it replaces; the front desk takes the first.
        clinical.MapPut("/{clientId:guid}/intake", (Guid clientId, RecordIntakeRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            request.Conditions.Any(c => c is { Length: > 500 }) ? Task.FromResult(Problems.Validation("conditions", "A condition is at most 500 characters."))
            : Send(bus, caller, clientId, new RecordIntake(clientId, request.Conditions, request.Contraindications, clock.GetUtcNow(), MayReplace: caller.ReadsClinicalRecords()), ct))
            .WithName("RecordIntake");

        clinical.MapPost("/{clientId:guid}/consents", (Guid clientId, GrantConsentRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            request.GuardianName is { Length: > 200 } ? Task.FromResult(Problems.Validation("guardianName", "'guardianName' is at most 200 characters."))
            : Send(bus, caller, clientId, new GrantConsent(clientId, request.Scope, request.Written, request.GuardianName, request.LocationId, clock.GetUtcNow()), ct)).WithName("GrantConsent");

        clinical.MapPost("/{clientId:guid}/consents/{scope}/withdraw", (Guid clientId, string scope, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            ParseScope(scope) is not { } parsed ? Task.FromResult(Problems.Validation("scope", $"'{scope}' is not a consent scope."))
            : Send(bus, caller, clientId, new WithdrawConsent(clientId, parsed, clock.GetUtcNow()), ct)).WithName("WithdrawConsent");

        clinical.MapGet("/{clientId:guid}", (Guid clientId, ClaimsPrincipal caller, CommandBus bus, CancellationToken ct) =>
            bus.Store.GetStateAsync<Client>(caller, Client.StreamId(clientId), "client", DomainErrorCodes.ClientNotFound, ct,
                view: caller.ReadsClinicalRecords() ? null : FrontDeskClient.Of))
            .AuditsClientAccess("client").WithName("GetClient");

        return api;
    }

    // The route spells scopes as the JSON does (kebab-case), e.g. "dry-needling".
    private static ConsentScope? ParseScope(string scope) =>
        Enum.GetValues<ConsentScope>().Cast<ConsentScope?>()
            .FirstOrDefault(s => string.Equals(JsonNamingPolicy.KebabCaseLower.ConvertName(s!.Value.ToString()), scope, StringComparison.Ordinal));

    private static Task<IResult> Send(CommandBus bus, ClaimsPrincipal caller, Guid clientId, object command, CancellationToken ct) =>
        bus.SendAsync(caller, command, Client.StreamId(clientId), version => new { clientId, version }, ct);
}
