using System.Security.Claims;
using Practice.Domain;
using Practice.Domain.Charting;
using Practice.Domain.Charting.AdjustingPressure;
using Practice.Domain.Charting.AmendingNote;
using Practice.Domain.Charting.ApplyingTechnique;
using Practice.Domain.Charting.CompletingSession;
using Practice.Domain.Charting.FlaggingOverdueNote;
using Practice.Domain.Charting.RecordingAdverseEvent;
using Practice.Domain.Charting.RecordingPain;
using Practice.Domain.Charting.RecordingTriggerPoint;
using Practice.Domain.Charting.ReportingDiscomfort;
using Practice.Domain.Charting.SigningNote;
using Practice.Domain.Charting.StartingSession;
using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using Practice.Messaging;
using Practice.Operations.Api.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Charting;

// Optional fields have defaults: the JSON options require every constructor parameter without one.
public sealed record RecordTriggerPointRequest(
    string Muscle,
    BodySide Side,
    TriggerPointActivity Activity,
    bool TautBand,
    bool LocalTwitchResponse,
    string ReferredPainRegion,
    decimal? PressurePainThresholdKpa = null,
    bool SensitiveArea = false);
public sealed record StartSessionRequest(IReadOnlyList<Contraindication>? AcknowledgedContraindications = null);
public sealed record ApplyTechniqueRequest(
    Modality Modality, string Technique, int Pressure, int Seconds, Guid? TriggerPointId = null, bool SensitiveArea = false,
    IReadOnlyList<Contraindication>? AcknowledgedContraindications = null);
public sealed record ReportDiscomfortRequest(int Level, string? Note = null);
public sealed record AdjustPressureRequest(int From, int To);
public sealed record RecordPainRequest(PainPhase Phase, int Score);
// Modality: the one the event followed; needed only when the session's techniques used several.
public sealed record RecordAdverseEventRequest(AdverseEventKind Kind, AdverseEventSeverity Severity, string? Note = null, Modality? Modality = null);
public sealed record SignNoteRequest(string Subjective, string Objective, string Assessment, string Plan);
public sealed record AmendNoteRequest(string Text);

public static class ChartingEndpoints
{
    public static CommandRegistry AddChartingHandlers(this CommandRegistry registry) => registry
        .Handle<StartSession, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), async (c, ctx, ct) =>
        {
            var appointment = await ctx.LoadAsync<Appointment>(Appointment.StreamId(c.AppointmentId), ct);
            return StartSessionHandler.Decide(c,
                await ctx.LoadAsync<TreatmentSession>(TreatmentSession.StreamId(c.AppointmentId), ct), appointment,
                await ctx.LoadAsync<Client>(Client.StreamId(appointment.ClientId), ct),
                await ctx.LoadAsync<Therapist>(Therapist.StreamId(appointment.TherapistId), ct),
                await ctx.LoadAsync<Location>(Location.StreamId(appointment.LocationId), ct));
        })
        .Handle<RecordTriggerPoint, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), async (c, ctx, ct) =>
        {
            var session = await ctx.LoadAsync<TreatmentSession>(TreatmentSession.StreamId(c.AppointmentId), ct);
            return RecordTriggerPointHandler.Decide(c, session, await ctx.LoadAsync<Client>(Client.StreamId(session.ClientId), ct));
        })
        .Handle<ApplyTechnique, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), async (c, ctx, ct) =>
        {
            var session = await ctx.LoadAsync<TreatmentSession>(TreatmentSession.StreamId(c.AppointmentId), ct);
            return ApplyTechniqueHandler.Decide(c, session,
                await ctx.LoadAsync<Therapist>(Therapist.StreamId(session.TherapistId), ct),
                await ctx.LoadAsync<Client>(Client.StreamId(session.ClientId), ct),
                await ctx.LoadAsync<Location>(Location.StreamId(session.LocationId), ct));
        })
        .Handle<ReportDiscomfort, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), ReportDiscomfortHandler.Decide)
        .Handle<AdjustPressure, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), AdjustPressureHandler.Decide)
        .Handle<RecordPain, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), RecordPainHandler.Decide)
        .Handle<RecordAdverseEvent, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), RecordAdverseEventHandler.Decide)
        // Multi-stream: the decision also fulfils the appointment, whose stream it does not read, so that append expects any version.
        .Handle<CompleteSession, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), CompleteSessionHandler.Decide)
        .Handle<SignNote, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), SignNoteHandler.Decide)
        .Handle<AmendNote, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), AmendNoteHandler.Decide)
        .Handle<FlagOverdueNote, TreatmentSession>(c => TreatmentSession.StreamId(c.AppointmentId), FlagOverdueNoteHandler.Decide);

    public static RouteGroupBuilder MapCharting(this RouteGroupBuilder api)
    {
        var sessions = api.MapGroup("/sessions").WithTags("Charting");

        // Clinical notes: therapists and managers read them; front desk does not.
        sessions.MapGet("/{appointmentId:guid}", (Guid appointmentId, ClaimsPrincipal caller, CommandBus bus, CancellationToken ct) =>
            bus.Store.GetStateAsync<TreatmentSession>(caller, TreatmentSession.StreamId(appointmentId), "session", DomainErrorCodes.SessionNotFound, ct))
            .AuditsAccess("session", "appointmentId", value => (value as TreatmentSession)?.ClientId)
            .RequireAuthorization(policy => policy.RequireRole(Roles.Therapist, Roles.Manager)).WithName("GetSession");

        // Charting is the treating therapist's alone: the therapist id comes from the token, never the body.
        var charting = sessions.MapGroup("/{appointmentId:guid}").RequireAuthorization(policy => policy.RequireRole(Roles.Therapist));

        // The body is optional: only a client whose intake calls for care needs acknowledgedContraindications.
        charting.MapPost("/start", (Guid appointmentId, StartSessionRequest? request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Chart(bus, caller, appointmentId, therapistId => new StartSession(appointmentId, therapistId,
                request?.AcknowledgedContraindications ?? [], clock.GetUtcNow()), ct)).WithName("StartSession");

        charting.MapPost("/trigger-points", (Guid appointmentId, RecordTriggerPointRequest r, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            var triggerPointId = Guid.CreateVersion7();
            return Chart(bus, caller, appointmentId, therapistId => new RecordTriggerPoint(appointmentId, triggerPointId, therapistId, r.Muscle, r.Side, r.Activity,
                r.TautBand, r.LocalTwitchResponse, r.ReferredPainRegion, r.PressurePainThresholdKpa, r.SensitiveArea, clock.GetUtcNow()), ct, version => new { appointmentId, triggerPointId, version });
        }).WithName("RecordTriggerPoint");

        charting.MapPost("/techniques", (Guid appointmentId, ApplyTechniqueRequest r, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Chart(bus, caller, appointmentId, therapistId => new ApplyTechnique(appointmentId, therapistId, r.Modality, r.Technique, r.Pressure, r.Seconds,
                r.TriggerPointId, r.SensitiveArea, r.AcknowledgedContraindications ?? [], clock.GetUtcNow()), ct)).WithName("ApplyTechnique");

        charting.MapPost("/discomfort", (Guid appointmentId, ReportDiscomfortRequest r, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Chart(bus, caller, appointmentId, therapistId => new ReportDiscomfort(appointmentId, therapistId, r.Level, r.Note, clock.GetUtcNow()), ct)).WithName("ReportDiscomfort");

        charting.MapPost("/pressure-adjustments", (Guid appointmentId, AdjustPressureRequest r, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Chart(bus, caller, appointmentId, therapistId => new AdjustPressure(appointmentId, therapistId, r.From, r.To, clock.GetUtcNow()), ct)).WithName("AdjustPressure");

        charting.MapPost("/pain", (Guid appointmentId, RecordPainRequest r, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Chart(bus, caller, appointmentId, therapistId => new RecordPain(appointmentId, therapistId, r.Phase, r.Score, clock.GetUtcNow()), ct)).WithName("RecordPain");

        charting.MapPost("/adverse-events", (Guid appointmentId, RecordAdverseEventRequest r, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Chart(bus, caller, appointmentId, therapistId => new RecordAdverseEvent(appointmentId, therapistId, r.Kind, r.Severity, r.Note, clock.GetUtcNow(), r.Modality), ct)).WithName("RecordAdverseEvent");

        charting.MapPost("/complete", (Guid appointmentId, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Chart(bus, caller, appointmentId, therapistId => new CompleteSession(appointmentId, therapistId, clock.GetUtcNow()), ct)).WithName("CompleteSession");

        charting.MapPost("/note/sign", (Guid appointmentId, SignNoteRequest r, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Chart(bus, caller, appointmentId, therapistId => new SignNote(appointmentId, therapistId, r.Subjective, r.Objective, r.Assessment, r.Plan, clock.GetUtcNow()), ct)).WithName("SignNote");

        charting.MapPost("/note/amendments", (Guid appointmentId, AmendNoteRequest r, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            var amendmentId = Guid.CreateVersion7();
            return Chart(bus, caller, appointmentId, therapistId => new AmendNote(appointmentId, amendmentId, therapistId, r.Text, clock.GetUtcNow()), ct, version => new { appointmentId, amendmentId, version });
        }).WithName("AmendNote");

        return api;
    }

    /// <summary>Sends a charting command as the therapist the token speaks for; a therapist token without that id may not chart.</summary>
    private static Task<IResult> Chart(CommandBus bus, ClaimsPrincipal caller, Guid appointmentId, Func<Guid, object> command, CancellationToken ct, Func<long, object>? body = null)
    {
        if (caller.TherapistId() is not { } therapistId)
        {
            return Task.FromResult(Problems.Result(StatusCodes.Status403Forbidden, "Forbidden",
                "The token does not name a therapist; only the treating therapist charts a session.", code: DomainErrorCodes.NotSessionTherapist));
        }
        return bus.SendAsync(caller, command(therapistId), result =>
        {
            var version = result.VersionOf(TreatmentSession.StreamId(appointmentId));
            return CommandResults.Ok(body?.Invoke(version) ?? new { appointmentId, version }, version);
        }, ct);
    }
}
