using System.Security.Claims;
using Practice.Domain;
using Practice.Domain.Clients;
using Practice.Domain.Outcomes;
using Practice.Domain.Outcomes.AchievingGoal;
using Practice.Domain.Outcomes.CreatingTreatmentPlan;
using Practice.Domain.Outcomes.DischargingClient;
using Practice.Domain.Outcomes.RecordingOutcomeMeasure;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using Practice.Messaging;
using Practice.Operations.Api.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Outcomes;

public sealed record RecordOutcomeMeasureRequest(OutcomeInstrument Instrument, decimal Score, Guid? AppointmentId = null);
public sealed record GoalRequest(string Description, DateOnly? TargetDate = null);
// TherapistId: omitted by a therapist (their token says who they are); a manager names the responsible therapist.
public sealed record CreateTreatmentPlanRequest(string Condition, IReadOnlyList<GoalRequest> Goals, Guid? TherapistId = null);
public sealed record DischargeClientRequest(Guid PlanId, string Reason);
public sealed record MeasureCreated(Guid ClientId, Guid MeasureId, long Version);
public sealed record PlanCreated(Guid ClientId, Guid PlanId, IReadOnlyList<Guid> GoalIds, long Version);

public static class OutcomesEndpoints
{
    public static CommandRegistry AddOutcomesHandlers(this CommandRegistry registry) => registry
        .Handle<RecordOutcomeMeasure, ClientCare>(c => ClientCare.StreamId(c.ClientId), async (c, ctx, ct) =>
            RecordOutcomeMeasureHandler.Decide(c,
                await ctx.LoadAsync<ClientCare>(ClientCare.StreamId(c.ClientId), ct),
                await ctx.LoadAsync<Client>(Client.StreamId(c.ClientId), ct),
                c.AppointmentId is { } appointmentId ? await ctx.LoadAsync<Appointment>(Appointment.StreamId(appointmentId), ct) : Appointment.Initial))
        .Handle<CreateTreatmentPlan, ClientCare>(c => ClientCare.StreamId(c.ClientId), async (c, ctx, ct) =>
            CreateTreatmentPlanHandler.Decide(c,
                await ctx.LoadAsync<ClientCare>(ClientCare.StreamId(c.ClientId), ct),
                await ctx.LoadAsync<Client>(Client.StreamId(c.ClientId), ct),
                await ctx.LoadAsync<Therapist>(Therapist.StreamId(c.TherapistId), ct)))
        .Handle<AchieveGoal, ClientCare>(c => ClientCare.StreamId(c.ClientId), AchieveGoalHandler.Decide)
        .Handle<DischargeClient, ClientCare>(c => ClientCare.StreamId(c.ClientId), DischargeClientHandler.Decide);

    public static RouteGroupBuilder MapOutcomes(this RouteGroupBuilder api)
    {
        var care = api.MapGroup("/clients/{clientId:guid}").WithTags("Outcomes").RequireAuthorization(policy => policy.RequireRole(Roles.Therapist, Roles.Manager));

        care.MapPost("/outcome-measures", async (Guid clientId, RecordOutcomeMeasureRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            if (request.AppointmentId is { } appointmentId && Validation.RequireId(appointmentId, "appointmentId") is { } invalid)
            {
                return invalid;
            }
            var measureId = Guid.CreateVersion7();
            return await bus.SendAsync(caller, new RecordOutcomeMeasure(clientId, measureId, request.Instrument, request.Score, request.AppointmentId, clock.GetUtcNow()), result =>
            {
                var version = result.VersionOf(ClientCare.StreamId(clientId));
                return CommandResults.Created($"/api/clients/{clientId}/care", new MeasureCreated(clientId, measureId, version), version);
            }, ct);
        }).WithName("RecordOutcomeMeasure");

        care.MapPost("/treatment-plans", async (Guid clientId, CreateTreatmentPlanRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            if (!caller.IsInRole(Roles.Manager) && request.TherapistId is { } named && named != caller.TherapistId())
            {
                return Problems.Result(StatusCodes.Status403Forbidden, "Forbidden", "A therapist creates plans under their own name; a manager names another therapist.");
            }
            var therapistId = request.TherapistId ?? caller.TherapistId() ?? Guid.Empty;
            if ((Validation.RequireId(therapistId, "therapistId") ?? Validation.RequireText(request.Condition, "condition", 500)
                ?? (request.Goals.Count == 0 ? Problems.Validation("goals", "'goals' needs one goal at least.") : null)
                ?? request.Goals.Select(g => Validation.RequireText(g?.Description, "goals", 500)).FirstOrDefault(r => r is not null)) is { } invalid)
            {
                return invalid;
            }
            var planId = Guid.CreateVersion7();
            var goals = request.Goals.Select(g => new PlanGoal(Guid.CreateVersion7(), g.Description, g.TargetDate)).ToList();
            return await bus.SendAsync(caller, new CreateTreatmentPlan(clientId, planId, therapistId, request.Condition, goals, clock.GetUtcNow()), result =>
            {
                var version = result.VersionOf(ClientCare.StreamId(clientId));
                return CommandResults.Created($"/api/clients/{clientId}/care", new PlanCreated(clientId, planId, [.. goals.Select(g => g.GoalId)], version), version);
            }, ct);
        }).WithName("CreateTreatmentPlan");

        care.MapPost("/treatment-plans/{planId:guid}/goals/{goalId:guid}/achieve", (Guid clientId, Guid planId, Guid goalId, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Send(bus, caller, clientId, new AchieveGoal(clientId, planId, goalId, clock.GetUtcNow()), ct)).WithName("AchieveGoal");

        care.MapPost("/discharge", (Guid clientId, DischargeClientRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            (Validation.RequireId(request.PlanId, "planId") ?? Validation.RequireText(request.Reason, "reason")) is { } invalid ? Task.FromResult(invalid)
            : Send(bus, caller, clientId, new DischargeClient(clientId, request.PlanId, request.Reason, clock.GetUtcNow()), ct)).WithName("DischargeClient");

        // A client's care record exists once the client does; another tenant's client is simply not there.
        care.MapGet("/care", async (Guid clientId, ClaimsPrincipal caller, CommandBus bus, CancellationToken ct) =>
        {
            await using var session = bus.Store.OpenSession(caller.TenantId());
            var (client, _) = await session.AggregateStreamAsync(Client.StreamId(clientId), Client.Initial, static (s, e) => s.Apply(e), cancellationToken: ct);
            if (!client.Exists)
            {
                return Problems.Result(StatusCodes.Status404NotFound, "Not found", "No such client.", code: DomainErrorCodes.ClientNotFound);
            }
            var (clientCare, version) = await session.AggregateStreamAsync(ClientCare.StreamId(clientId), ClientCare.Initial, static (s, e) => s.Apply(e), cancellationToken: ct);
            return CommandResults.Ok(clientCare, version);
        }).AuditsClientAccess("client-care").WithName("GetClientCare");

        return api;
    }

    private static Task<IResult> Send(CommandBus bus, ClaimsPrincipal caller, Guid clientId, object command, CancellationToken ct) =>
        bus.SendAsync(caller, command, ClientCare.StreamId(clientId), version => new { clientId, version }, ct);
}
