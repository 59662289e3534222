using System.Security.Claims;
using Practice.Domain;
using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Scheduling;
using Practice.Domain.Scheduling.BookingAppointment;
using Practice.Domain.Scheduling.CancellingAppointment;
using Practice.Domain.Scheduling.CheckingIn;
using Practice.Domain.Scheduling.ConfirmingAppointment;
using Practice.Domain.Scheduling.MarkingNoShow;
using Practice.Domain.Scheduling.ReschedulingAppointment;
using Practice.Domain.Staff;
using Practice.Messaging;
using Practice.Operations.Api.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Scheduling;

public sealed record BookAppointmentRequest(Guid LocationId, Guid RoomId, Guid TherapistId, Guid ClientId, Modality Modality, DateTimeOffset Start, int DurationMinutes);
public sealed record RescheduleAppointmentRequest(DateTimeOffset Start, CancelledBy RequestedBy = CancelledBy.Client);
// Optional fields need a default: the JSON options require every constructor parameter without one.
public sealed record CancelAppointmentRequest(CancelledBy CancelledBy, string Reason, string? WaiveFeeReason = null);
public sealed record MarkNoShowRequest(string? WaiveFeeReason = null);
public sealed record AppointmentCreated(Guid AppointmentId, long Version);
public sealed record AppointmentChanged(Guid AppointmentId, long Version, AppointmentFee? Fee);

public static class SchedulingEndpoints
{
    public static CommandRegistry AddSchedulingHandlers(this CommandRegistry registry, SchedulingPolicy scheduling, CancellationPolicy cancellation) => registry
        .Handle<BookAppointment, Appointment>(c => Appointment.StreamId(c.AppointmentId), async (c, ctx, ct) =>
        {
            var location = await ctx.LoadAsync<Location>(Location.StreamId(c.LocationId), ct);
            var day = location.Exists ? location.LocalDateOf(c.Start) : DateOnly.FromDateTime(c.Start.UtcDateTime);
            return BookAppointmentHandler.Decide(c,
                await ctx.LoadAsync<Appointment>(Appointment.StreamId(c.AppointmentId), ct), location,
                await ctx.LoadAsync<Therapist>(Therapist.StreamId(c.TherapistId), ct),
                await ctx.LoadAsync<Client>(Client.StreamId(c.ClientId), ct),
                await ctx.LoadAsync<TherapistDay>(TherapistDay.StreamId(c.TherapistId, day), ct),
                await ctx.LoadAsync<RoomDay>(RoomDay.StreamId(c.RoomId, day), ct), scheduling);
        })
        .Handle<RescheduleAppointment, Appointment>(c => Appointment.StreamId(c.AppointmentId), async (c, ctx, ct) =>
        {
            var appointment = await ctx.LoadAsync<Appointment>(Appointment.StreamId(c.AppointmentId), ct);
            var location = await ctx.LoadAsync<Location>(Location.StreamId(appointment.LocationId), ct);
            var day = location.Exists ? location.LocalDateOf(c.Start) : DateOnly.FromDateTime(c.Start.UtcDateTime);
            return RescheduleAppointmentHandler.Decide(c, appointment, location,
                await ctx.LoadAsync<Therapist>(Therapist.StreamId(appointment.TherapistId), ct),
                await ctx.LoadAsync<TherapistDay>(TherapistDay.StreamId(appointment.TherapistId, day), ct),
                await ctx.LoadAsync<RoomDay>(RoomDay.StreamId(appointment.RoomId, day), ct), scheduling, cancellation);
        })
        .Handle<ConfirmAppointment, Appointment>(c => Appointment.StreamId(c.AppointmentId), ConfirmAppointmentHandler.Decide)
        .Handle<CheckIn, Appointment>(c => Appointment.StreamId(c.AppointmentId), CheckInHandler.Decide)
        .Handle<CancelAppointment, Appointment>(c => Appointment.StreamId(c.AppointmentId), (c, appointment) => CancelAppointmentHandler.Decide(c, appointment, cancellation))
        .Handle<MarkNoShow, Appointment>(c => Appointment.StreamId(c.AppointmentId), (c, appointment) => MarkNoShowHandler.Decide(c, appointment, cancellation));

    public static RouteGroupBuilder MapScheduling(this RouteGroupBuilder api)
    {
        var appointments = api.MapGroup("/appointments").WithTags("Scheduling").RequireAuthorization(policy => policy.RequireRole(Roles.FrontDesk, Roles.Manager));

        appointments.MapPost("/", async (BookAppointmentRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
        {
            if ((Validation.RequireId(request.LocationId, "locationId") ?? Validation.RequireId(request.RoomId, "roomId")
                ?? Validation.RequireId(request.TherapistId, "therapistId") ?? Validation.RequireId(request.ClientId, "clientId")) is { } invalid)
            {
                return invalid;
            }
            var id = Guid.CreateVersion7();
            var command = new BookAppointment(id, request.LocationId, request.RoomId, request.TherapistId, request.ClientId,
                request.Modality, request.Start, request.DurationMinutes, clock.GetUtcNow());
            return await bus.SendAsync(caller, command, result =>
                CommandResults.Created($"/api/appointments/{id}", new AppointmentCreated(id, result.VersionOf(Appointment.StreamId(id))), result.VersionOf(Appointment.StreamId(id))), ct);
        }).WithName("BookAppointment");

        appointments.MapPost("/{appointmentId:guid}/reschedule", (Guid appointmentId, RescheduleAppointmentRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Send(bus, caller, appointmentId, new RescheduleAppointment(appointmentId, request.Start, request.RequestedBy, clock.GetUtcNow()), ct)).WithName("RescheduleAppointment");
        appointments.MapPost("/{appointmentId:guid}/confirm", (Guid appointmentId, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Send(bus, caller, appointmentId, new ConfirmAppointment(appointmentId, clock.GetUtcNow()), ct)).WithName("ConfirmAppointment");
        appointments.MapPost("/{appointmentId:guid}/check-in", (Guid appointmentId, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Send(bus, caller, appointmentId, new CheckIn(appointmentId, clock.GetUtcNow()), ct)).WithName("CheckIn");
        appointments.MapPost("/{appointmentId:guid}/cancel", (Guid appointmentId, CancelAppointmentRequest request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Validation.RequireText(request.Reason, "reason") is { } invalid ? Task.FromResult(invalid)
            : Send(bus, caller, appointmentId, new CancelAppointment(appointmentId, request.CancelledBy, request.Reason, request.WaiveFeeReason, clock.GetUtcNow()), ct)).WithName("CancelAppointment");
        appointments.MapPost("/{appointmentId:guid}/no-show", (Guid appointmentId, MarkNoShowRequest? request, ClaimsPrincipal caller, CommandBus bus, TimeProvider clock, CancellationToken ct) =>
            Send(bus, caller, appointmentId, new MarkNoShow(appointmentId, request?.WaiveFeeReason, clock.GetUtcNow()), ct)).WithName("MarkNoShow");

        appointments.MapGet("/{appointmentId:guid}", (Guid appointmentId, ClaimsPrincipal caller, CommandBus bus, CancellationToken ct) =>
            bus.Store.GetStateAsync<Appointment>(caller, Appointment.StreamId(appointmentId), "appointment", DomainErrorCodes.AppointmentNotFound, ct))
            .AuditsAccess("appointment", "appointmentId", value => (value as Appointment)?.ClientId)
            .WithName("GetAppointment");
        return api;
    }

    private static Task<IResult> Send(CommandBus bus, ClaimsPrincipal caller, Guid appointmentId, object command, CancellationToken ct) =>
        bus.SendAsync(caller, command, result =>
        {
            var stream = Appointment.StreamId(appointmentId);
            // The fee is decided with the event; folding just the new events shows it without another read.
            var fee = result.Appended.Where(a => a.StreamId == stream).SelectMany(a => a.Events)
                .Aggregate(Appointment.Initial, (state, stored) => state.Apply(stored.Data)).Fee;
            return CommandResults.Ok(new AppointmentChanged(appointmentId, result.VersionOf(stream), fee), result.VersionOf(stream));
        }, ct);
}
