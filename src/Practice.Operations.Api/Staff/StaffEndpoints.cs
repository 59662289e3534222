using System.Security.Claims;
using Practice.Domain;
using Practice.Domain.Clinics;
using Practice.Domain.Staff;
using Practice.Domain.Staff.AddingCredential;
using Practice.Domain.Staff.RegisteringTherapist;
using Practice.Domain.Staff.SettingModalities;
using Practice.Domain.Staff.SettingWorkingHours;
using Practice.Messaging;
using Practice.Operations.Api.Clinics;
using Practice.Operations.Api.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Staff;

public sealed record RegisterTherapistRequest(string Name, IReadOnlyList<Guid> LocationIds);
public sealed record SetModalitiesRequest(IReadOnlyList<Modality> Modalities);
public sealed record AddCredentialRequest(string Kind, string Jurisdiction, string Number, DateOnly ExpiresOn);
public sealed record TherapistCreated(Guid TherapistId, long Version);
public sealed record CredentialCreated(Guid TherapistId, Guid CredentialId, long Version);

public static class StaffEndpoints
{
    public static CommandRegistry AddStaffHandlers(this CommandRegistry registry) => registry
        .Handle<RegisterTherapist, Therapist>(c => Therapist.StreamId(c.TherapistId), async (c, ctx, ct) =>
        {
            // Every location is loaded so the decision can refuse an unknown (or another tenant's) one.
            var locations = new List<Location>();
            foreach (var locationId in c.LocationIds.Distinct())
            {
                locations.Add(await ctx.LoadAsync<Location>(Location.StreamId(locationId), ct));
            }
            return RegisterTherapistHandler.Decide(c, await ctx.LoadAsync<Therapist>(Therapist.StreamId(c.TherapistId), ct), locations);
        })
        .Handle<SetModalities, Therapist>(c => Therapist.StreamId(c.TherapistId), SetModalitiesHandler.Decide)
        .Handle<AddCredential, Therapist>(c => Therapist.StreamId(c.TherapistId), AddCredentialHandler.Decide)
        .Handle<SetWorkingHours, Therapist>(c => Therapist.StreamId(c.TherapistId), SetWorkingHoursHandler.Decide);

    public static RouteGroupBuilder MapStaff(this RouteGroupBuilder api)
    {
        var manage = api.MapGroup("/therapists").WithTags("Staff").RequireAuthorization(policy => policy.RequireRole(Roles.Manager));
        var read = api.MapGroup("/therapists").WithTags("Staff").RequireAuthorization(policy => policy.RequireRole(Roles.FrontDesk, Roles.Therapist, Roles.Manager));

        manage.MapPost("/", async (RegisterTherapistRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            if ((Validation.RequireText(request.Name, "name", 200)
                ?? (request.LocationIds.Count == 0 ? Problems.Validation("locationIds", "'locationIds' needs one location at least.") : null)
                ?? request.LocationIds.Select(id => Validation.RequireId(id, "locationIds")).FirstOrDefault(r => r is not null)) is { } invalid)
            {
                return invalid;
            }
            var id = Guid.CreateVersion7();
            return await bus.SendAsync(caller, new RegisterTherapist(id, request.Name, request.LocationIds, clock.GetUtcNow()), result =>
            {
                var version = result.VersionOf(Therapist.StreamId(id));
                return CommandResults.Created($"/api/therapists/{id}", new TherapistCreated(id, version), version);
            }, ct);
        }).WithName("RegisterTherapist");

        // PUT: modalities and working hours replace the whole set.
        manage.MapPut("/{therapistId:guid}/modalities", (Guid therapistId, SetModalitiesRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Send(bus, caller, therapistId, new SetModalities(therapistId, request.Modalities, clock.GetUtcNow()), ct)).WithName("SetModalities");

        manage.MapPut("/{therapistId:guid}/working-hours", (Guid therapistId, HoursRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            HoursRequest.Check(request) is { } invalid ? Task.FromResult(invalid)
            : Send(bus, caller, therapistId, new SetWorkingHours(therapistId, request.Hours, clock.GetUtcNow()), ct)).WithName("SetWorkingHours");

        manage.MapPost("/{therapistId:guid}/credentials", async (Guid therapistId, AddCredentialRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            if ((Validation.RequireText(request.Kind, "kind", 100) ?? Validation.RequireText(request.Jurisdiction, "jurisdiction", 20)
                ?? Validation.RequireText(request.Number, "number", 100)) is { } invalid)
            {
                return invalid;
            }
            var credentialId = Guid.CreateVersion7();
            return await bus.SendAsync(caller, new AddCredential(therapistId, credentialId, request.Kind, request.Jurisdiction, request.Number, request.ExpiresOn, clock.GetUtcNow()), result =>
            {
                var version = result.VersionOf(Therapist.StreamId(therapistId));
                return CommandResults.Created($"/api/therapists/{therapistId}", new CredentialCreated(therapistId, credentialId, version), version);
            }, ct);
        }).WithName("AddCredential");

        read.MapGet("/{therapistId:guid}", (Guid therapistId, ClaimsPrincipal caller, CommandBus bus, CancellationToken ct) =>
            bus.Store.GetStateAsync<Therapist>(caller, Therapist.StreamId(therapistId), "therapist", DomainErrorCodes.TherapistNotFound, ct)).WithName("GetTherapist");

        return api;
    }

    private static Task<IResult> Send(CommandBus bus, ClaimsPrincipal caller, Guid therapistId, object command, CancellationToken ct) =>
        bus.SendAsync(caller, command, Therapist.StreamId(therapistId), version => new { therapistId, version }, ct);
}
