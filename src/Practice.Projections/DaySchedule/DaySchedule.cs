using Npgsql;
using Practice.Domain;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using Practice.EventStore;
using Practice.EventStore.Projections;
using static Practice.Projections.ProjectionSql;

namespace Practice.Projections.DaySchedule;

/// <summary>One appointment on a location's day sheet. Day is the location's local date of Start.</summary>
public sealed record ScheduledAppointment(
    Guid AppointmentId,
    Guid LocationId,
    DateOnly Day,
    DateTimeOffset Start,
    DateTimeOffset End,
    Guid TherapistId,
    Guid RoomId,
    Guid ClientId,
    Modality Modality,
    AppointmentStatus Status,
    bool Confirmed);

/// <summary>Upserts one row per appointment, keyed by its id: every event sets absolute values, so a replay lands on the same row.</summary>
public sealed class DayScheduleProjection : IProjection
{
    public const string ProjectionName = "day_schedule";
    internal const string AppointmentsTable = "day_schedule";

    public string Name => ProjectionName;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(AppointmentsTable, """
            CREATE TABLE IF NOT EXISTS {table} (
                tenant_id text NOT NULL,
                appointment_id uuid NOT NULL,
                location_id uuid NOT NULL,
                day date NOT NULL,
                start_at timestamptz NOT NULL,
                end_at timestamptz NOT NULL,
                therapist_id uuid NOT NULL,
                room_id uuid NOT NULL,
                client_id uuid NOT NULL,
                modality text NOT NULL,
                status text NOT NULL,
                confirmed boolean NOT NULL,
                PRIMARY KEY (tenant_id, appointment_id));
            CREATE INDEX IF NOT EXISTS {name}_by_location_day ON {table} (tenant_id, location_id, day, start_at);
            """),
    ];

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DomainEvents.NameOf(typeof(AppointmentBooked)),
        DomainEvents.NameOf(typeof(AppointmentRescheduled)),
        DomainEvents.NameOf(typeof(AppointmentConfirmed)),
        DomainEvents.NameOf(typeof(AppointmentCheckedIn)),
        DomainEvents.NameOf(typeof(AppointmentCancelled)),
        DomainEvents.NameOf(typeof(AppointmentMarkedNoShow)),
        DomainEvents.NameOf(typeof(AppointmentFulfilled)),
    };

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var table = context.Table(AppointmentsTable);
        await using var batch = context.CreateBatch();
        foreach (var stored in events)
        {
            if (Statement(table, stored.TenantId, stored.Data) is { } command)
            {
                batch.BatchCommands.Add(command);
            }
        }
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static NpgsqlBatchCommand? Statement(string table, string tenantId, object data) => data switch
    {
        AppointmentBooked e => Command($"""
            INSERT INTO {table} (tenant_id, appointment_id, location_id, day, start_at, end_at, therapist_id, room_id, client_id, modality, status, confirmed)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, false)
            ON CONFLICT (tenant_id, appointment_id) DO UPDATE SET
                location_id = excluded.location_id, day = excluded.day, start_at = excluded.start_at, end_at = excluded.end_at,
                therapist_id = excluded.therapist_id, room_id = excluded.room_id, client_id = excluded.client_id,
                modality = excluded.modality, status = excluded.status, confirmed = excluded.confirmed
            """,
            Value(tenantId), Value(e.AppointmentId), Value(e.LocationId), Value(e.Day), Value(Utc(e.Start)), Value(Utc(e.End)),
            Value(e.TherapistId), Value(e.RoomId), Value(e.ClientId), Value(e.Modality.ToString()), Value(StatusText(AppointmentStatus.Booked))),
        // A moved appointment needs confirming again, as in the domain's own state.
        AppointmentRescheduled e => Command($"""
            UPDATE {table} SET location_id = $3, room_id = $4, therapist_id = $5, day = $6, start_at = $7, end_at = $8, confirmed = false
             WHERE tenant_id = $1 AND appointment_id = $2
            """,
            Value(tenantId), Value(e.AppointmentId), Value(e.LocationId), Value(e.RoomId), Value(e.TherapistId), Value(e.Day),
            Value(Utc(e.Start)), Value(Utc(e.End))),
        AppointmentConfirmed e => Command(
            $"UPDATE {table} SET confirmed = true WHERE tenant_id = $1 AND appointment_id = $2", Value(tenantId), Value(e.AppointmentId)),
        AppointmentCheckedIn e => SetStatus(table, tenantId, e.AppointmentId, AppointmentStatus.Arrived),
        AppointmentCancelled e => SetStatus(table, tenantId, e.AppointmentId, AppointmentStatus.Cancelled),
        AppointmentMarkedNoShow e => SetStatus(table, tenantId, e.AppointmentId, AppointmentStatus.Noshow),
        AppointmentFulfilled e => SetStatus(table, tenantId, e.AppointmentId, AppointmentStatus.Fulfilled),
        _ => null,
    };

    private static NpgsqlBatchCommand SetStatus(string table, string tenantId, Guid appointmentId, AppointmentStatus status) => Command(
        $"UPDATE {table} SET status = $3 WHERE tenant_id = $1 AND appointment_id = $2",
        Value(tenantId), Value(appointmentId), Value(StatusText(status)));

    // FHIR Appointment.status words, so the table reads the way integrations speak.
    internal static string StatusText(AppointmentStatus status) => status switch
    {
        AppointmentStatus.Booked => "booked",
        AppointmentStatus.Arrived => "arrived",
        AppointmentStatus.Fulfilled => "fulfilled",
        AppointmentStatus.Cancelled => "cancelled",
        AppointmentStatus.Noshow => "noshow",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a status a scheduled appointment has."),
    };

    internal static AppointmentStatus ParseStatus(string text) => text switch
    {
        "booked" => AppointmentStatus.Booked,
        "arrived" => AppointmentStatus.Arrived,
        "fulfilled" => AppointmentStatus.Fulfilled,
        "cancelled" => AppointmentStatus.Cancelled,
        "noshow" => AppointmentStatus.Noshow,
        _ => throw new InvalidOperationException($"Unknown appointment status '{text}' in the day schedule."),
    };
}

/// <summary>Reads the day schedule; every query is scoped to the caller's tenant.</summary>
public static class DayScheduleQueries
{
    /// <summary>The location's appointments on its local day, earliest first; cancelled ones included with their status.</summary>
    public static async Task<IReadOnlyList<ScheduledAppointment>> GetDayAsync(
        NpgsqlDataSource dataSource, string schema, string tenantId, Guid locationId, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        await using var command = dataSource.CreateCommand($"""
            SELECT appointment_id, location_id, day, start_at, end_at, therapist_id, room_id, client_id, modality, status, confirmed
              FROM {Table(schema, DayScheduleProjection.AppointmentsTable)}
             WHERE tenant_id = $1 AND location_id = $2 AND day = $3
             ORDER BY start_at, appointment_id
            """);
        command.Parameters.Add(Value(tenantId));
        command.Parameters.Add(Value(locationId));
        command.Parameters.Add(Value(day));
        var appointments = new List<ScheduledAppointment>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            appointments.Add(new ScheduledAppointment(
                reader.GetGuid(0),
                reader.GetGuid(1),
                reader.GetFieldValue<DateOnly>(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetGuid(5),
                reader.GetGuid(6),
                reader.GetGuid(7),
                Enum.Parse<Modality>(reader.GetString(8)),
                DayScheduleProjection.ParseStatus(reader.GetString(9)),
                reader.GetBoolean(10)));
        }
        return appointments;
    }
}
