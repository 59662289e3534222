using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Practice.Domain;
using Practice.Domain.Clinics;
using Practice.Domain.Clinics.AddingLocation;
using Practice.Domain.Clinics.AddingRoom;
using Practice.Domain.Clinics.RegisteringOrganisation;
using Practice.Domain.Clinics.SettingOpeningHours;
using Practice.Messaging;
using Practice.Operations.Api.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Clinics;

public sealed record RegisterOrganisationRequest(string Name);
public sealed record AddressRequest(string Street, string City, string Region, string PostalCode, string Country);
public sealed record AddLocationRequest(string Name, string TimeZoneId, string Jurisdiction, AddressRequest Address);
public sealed record AddRoomRequest(string Name);
public sealed record HoursRequest(IReadOnlyList<WeeklyHours> Hours)
{
    // The binder lets a null element through a list; the domain expects none.
    public static IResult? Check(HoursRequest request) =>
        request.Hours.Any(h => h is null) ? Problems.Validation("hours", "'hours' must not contain null entries.") : null;
}
public sealed record OrganisationCreated(Guid OrganisationId, long Version);
public sealed record LocationCreated(Guid LocationId, long Version);
public sealed record RoomCreated(Guid LocationId, Guid RoomId, long Version);

public static class ClinicsEndpoints
{
    public static CommandRegistry AddClinicsHandlers(this CommandRegistry registry) => registry
        .Handle<RegisterOrganisation, Organisation>(c => Organisation.StreamId(c.OrganisationId), RegisterOrganisationHandler.Decide)
        .Handle<AddLocation, Location>(c => Location.StreamId(c.LocationId), async (c, ctx, ct) =>
            AddLocationHandler.Decide(c,
                await ctx.LoadAsync<Location>(Location.StreamId(c.LocationId), ct),
                await ctx.LoadAsync<Organisation>(Organisation.StreamId(c.OrganisationId), ct)))
        .Handle<AddRoom, Location>(c => Location.StreamId(c.LocationId), AddRoomHandler.Decide)
        .Handle<SetOpeningHours, Location>(c => Location.StreamId(c.LocationId), SetOpeningHoursHandler.Decide);

    // One organisation per tenant: its id is derived from the tenant id, so "register once" is enforced by the stream itself.
    public static Guid OrganisationIdOf(string tenantId)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"organisation:{tenantId}"))[..16];
        return new Guid(bytes);
    }

    public static RouteGroupBuilder MapClinics(this RouteGroupBuilder api)
    {
        // Reading the clinic set-up is everyday work; changing it is the manager's.
        var manage = api.MapGroup("/").WithTags("Clinics").RequireAuthorization(policy => policy.RequireRole(Roles.Manager));
        var read = api.MapGroup("/").WithTags("Clinics").RequireAuthorization(policy => policy.RequireRole(Roles.FrontDesk, Roles.Therapist, Roles.Manager));

        manage.MapPost("/organisation", async (RegisterOrganisationRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            if (Validation.RequireText(request.Name, "name", 200) is { } invalid)
            {
                return invalid;
            }
            var id = OrganisationIdOf(caller.TenantId());
            return await bus.SendAsync(caller, new RegisterOrganisation(id, request.Name, clock.GetUtcNow()), result =>
            {
                var version = result.VersionOf(Organisation.StreamId(id));
                return CommandResults.Created("/api/organisation", new OrganisationCreated(id, version), version);
            }, ct);
        }).WithName("RegisterOrganisation");

        read.MapGet("/organisation", (ClaimsPrincipal caller, CommandBus bus, CancellationToken ct) =>
            bus.Store.GetStateAsync<Organisation>(caller, Organisation.StreamId(OrganisationIdOf(caller.TenantId())), "organisation", DomainErrorCodes.OrganisationNotFound, ct)).WithName("GetOrganisation");

        manage.MapPost("/locations", async (AddLocationRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            if ((Validation.RequireText(request.Name, "name", 200) ?? Validation.RequireText(request.TimeZoneId, "timeZoneId", 100)
                ?? Validation.RequireText(request.Jurisdiction, "jurisdiction", 20) ?? Validation.RequireText(request.Address.Street, "address.street", 200)
                ?? Validation.RequireText(request.Address.City, "address.city", 100) ?? Validation.RequireText(request.Address.Country, "address.country", 100)) is { } invalid)
            {
                return invalid;
            }
            var id = Guid.CreateVersion7();
            var a = request.Address;
            var command = new AddLocation(id, OrganisationIdOf(caller.TenantId()), request.Name, request.TimeZoneId.Trim(), request.Jurisdiction.Trim(),
                new Address(a.Street.Trim(), a.City.Trim(), a.Region.Trim(), a.PostalCode.Trim(), a.Country.Trim()), clock.GetUtcNow());
            return await bus.SendAsync(caller, command, result =>
            {
                var version = result.VersionOf(Location.StreamId(id));
                return CommandResults.Created($"/api/locations/{id}", new LocationCreated(id, version), version);
            }, ct);
        }).WithName("AddLocation");

        manage.MapPost("/locations/{locationId:guid}/rooms", async (Guid locationId, AddRoomRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            if (Validation.RequireText(request.Name, "name", 200) is { } invalid)
            {
                return invalid;
            }
            var roomId = Guid.CreateVersion7();
            return await bus.SendAsync(caller, new AddRoom(locationId, roomId, request.Name, clock.GetUtcNow()), result =>
            {
                var version = result.VersionOf(Location.StreamId(locationId));
                return CommandResults.Created($"/api/locations/{locationId}", new RoomCreated(locationId, roomId, version), version);
            }, ct);
        }).WithName("AddRoom");

        // PUT: the timetable is replaced as a whole.
        manage.MapPut("/locations/{locationId:guid}/opening-hours", (Guid locationId, HoursRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            HoursRequest.Check(request) is { } invalid ? Task.FromResult(invalid) : bus.SendAsync(caller, new SetOpeningHours(locationId, request.Hours, clock.GetUtcNow()), result =>
            {
                var version = result.VersionOf(Location.StreamId(locationId));
                return CommandResults.Ok(new { locationId, version }, version);
            }, ct)).WithName("SetOpeningHours");

        read.MapGet("/locations/{locationId:guid}", (Guid locationId, ClaimsPrincipal caller, CommandBus bus, CancellationToken ct) =>
            bus.Store.GetStateAsync<Location>(caller, Location.StreamId(locationId), "location", DomainErrorCodes.LocationNotFound, ct)).WithName("GetLocation");

        return api;
    }
}
