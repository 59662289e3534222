using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Practice.Domain;
using Practice.Domain.Charting;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using Practice.EventStore;
using Practice.EventStore.Projections;
using Practice.Projections.DaySchedule;
using static Practice.Projections.ProjectionSql;

namespace Practice.Projections.TherapistWorkload;

/// <summary>
/// One therapist's load on one local day. BookedMinutes counts appointments still on that day (no-shows
/// included: the time was held); DeliveredMinutes is started-to-completed time of the sessions completed;
/// Utilisation is BookedMinutes / WorkingMinutes, null on a day without working hours.
/// </summary>
public sealed record TherapistWorkloadDay(
    Guid TherapistId,
    DateOnly Day,
    int BookedMinutes,
    int DeliveredMinutes,
    decimal HighPressureHandsOnMinutes,
    int Sessions,
    int Cancellations,
    int NoShows,
    int WorkingMinutes,
    decimal? Utilisation);

/// <summary>The days of one ISO week (Monday to Sunday) summed; Utilisation over the week's working minutes.</summary>
public sealed record TherapistWorkloadWeek(
    Guid TherapistId,
    int IsoYear,
    int IsoWeek,
    DateOnly WeekStart,
    int BookedMinutes,
    int DeliveredMinutes,
    decimal HighPressureHandsOnMinutes,
    int Sessions,
    int Cancellations,
    int NoShows,
    int WorkingMinutes,
    decimal? Utilisation);

/// <summary>
/// Keeps facts rather than counters: one row per appointment (day, length, status, session times), one per
/// technique (keyed by event id), and the therapist's weekly timetables. Every event sets absolute values or
/// inserts by its own key, so replaying an event cannot count it twice; reschedules and cancellations simply
/// change the appointment's row, and the queries sum per day. The timetable is kept here so the projection
/// never reads the therapist's stream.
/// </summary>
public sealed class TherapistWorkloadProjection : IProjection
{
    public const string ProjectionName = "therapist_workload";

    /// <summary>Pressure on the 1-5 scale from which hands-on time counts as high-pressure work.</summary>
    public const int HighPressureThreshold = 4;

    internal const string AppointmentsTable = "therapist_workload_appointments";
    internal const string TechniquesTable = "therapist_workload_techniques";
    internal const string HoursTable = "therapist_workload_hours";

    public string Name => ProjectionName;

    public IReadOnlyList<ProjectionTable> Tables { get; } =
    [
        new(AppointmentsTable, """
            CREATE TABLE IF NOT EXISTS {table} (
                tenant_id text NOT NULL,
                appointment_id uuid NOT NULL,
                therapist_id uuid NOT NULL,
                day date NOT NULL,
                booked_minutes int NOT NULL,
                status text NOT NULL,
                session_started_at timestamptz,
                session_completed_at timestamptz,
                PRIMARY KEY (tenant_id, appointment_id));
            CREATE INDEX IF NOT EXISTS {name}_by_therapist_day ON {table} (tenant_id, therapist_id, day);
            """),
        new(TechniquesTable, """
            CREATE TABLE IF NOT EXISTS {table} (
                event_id uuid PRIMARY KEY,
                tenant_id text NOT NULL,
                appointment_id uuid NOT NULL,
                pressure smallint NOT NULL,
                seconds int NOT NULL);
            CREATE INDEX IF NOT EXISTS {name}_by_appointment ON {table} (tenant_id, appointment_id);
            """),
        // Seven rows per timetable (zero minutes on a day off), so the newest timetable answers for every weekday.
        new(HoursTable, """
            CREATE TABLE IF NOT EXISTS {table} (
                tenant_id text NOT NULL,
                therapist_id uuid NOT NULL,
                effective_on date NOT NULL,
                weekday smallint NOT NULL,
                minutes int NOT NULL,
                PRIMARY KEY (tenant_id, therapist_id, effective_on, weekday));
            """),
    ];

    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        DomainEvents.NameOf(typeof(WorkingHoursSet)),
        DomainEvents.NameOf(typeof(AppointmentBooked)),
        DomainEvents.NameOf(typeof(AppointmentRescheduled)),
        DomainEvents.NameOf(typeof(AppointmentCheckedIn)),
        DomainEvents.NameOf(typeof(AppointmentCancelled)),
        DomainEvents.NameOf(typeof(AppointmentMarkedNoShow)),
        DomainEvents.NameOf(typeof(AppointmentFulfilled)),
        DomainEvents.NameOf(typeof(SessionStarted)),
        DomainEvents.NameOf(typeof(SessionCompleted)),
        DomainEvents.NameOf(typeof(TechniqueApplied)),
    };

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var tables = new WorkloadTables(context.Table(AppointmentsTable), context.Table(TechniquesTable), context.Table(HoursTable));
        await using var batch = context.CreateBatch();
        foreach (var stored in events)
        {
            if (Statement(tables, stored) is { } command)
            {
                batch.BatchCommands.Add(command);
            }
        }
        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed record WorkloadTables(string Appointments, string Techniques, string Hours);

    private static NpgsqlBatchCommand? Statement(WorkloadTables tables, StoredEvent stored)
    {
        var tenantId = stored.TenantId;
        return stored.Data switch
        {
            AppointmentBooked e => Command($"""
                INSERT INTO {tables.Appointments} (tenant_id, appointment_id, therapist_id, day, booked_minutes, status)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (tenant_id, appointment_id) DO NOTHING
                """,
                Value(tenantId), Value(e.AppointmentId), Value(e.TherapistId), Value(e.Day), Value(Minutes(e.Start, e.End)),
                Value(DayScheduleProjection.StatusText(AppointmentStatus.Booked))),
            // The row moves to the new day: the old day loses the minutes and the new one gains them.
            AppointmentRescheduled e => Command(
                $"UPDATE {tables.Appointments} SET therapist_id = $3, day = $4, booked_minutes = $5 WHERE tenant_id = $1 AND appointment_id = $2",
                Value(tenantId), Value(e.AppointmentId), Value(e.TherapistId), Value(e.Day), Value(Minutes(e.Start, e.End))),
            AppointmentCheckedIn e => SetStatus(tables, tenantId, e.AppointmentId, AppointmentStatus.Arrived),
            AppointmentCancelled e => SetStatus(tables, tenantId, e.AppointmentId, AppointmentStatus.Cancelled),
            AppointmentMarkedNoShow e => SetStatus(tables, tenantId, e.AppointmentId, AppointmentStatus.Noshow),
            AppointmentFulfilled e => SetStatus(tables, tenantId, e.AppointmentId, AppointmentStatus.Fulfilled),
            SessionStarted e => Command(
                $"UPDATE {tables.Appointments} SET session_started_at = $3 WHERE tenant_id = $1 AND appointment_id = $2",
                Value(tenantId), Value(e.AppointmentId), Value(Utc(e.StartedAt))),
            SessionCompleted e => Command(
                $"UPDATE {tables.Appointments} SET session_completed_at = $3 WHERE tenant_id = $1 AND appointment_id = $2",
                Value(tenantId), Value(e.AppointmentId), Value(Utc(e.CompletedAt))),
            TechniqueApplied e => Command($"""
                INSERT INTO {tables.Techniques} (event_id, tenant_id, appointment_id, pressure, seconds)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (event_id) DO NOTHING
                """,
                Value(stored.Id), Value(tenantId), Value(e.AppointmentId), Value((short)e.Pressure), Value(e.Seconds)),
            // A timetable applies from the (UTC) day it was set; days before keep the timetable they had.
            WorkingHoursSet e => Command($"""
                INSERT INTO {tables.Hours} (tenant_id, therapist_id, effective_on, weekday, minutes)
                SELECT $1, $2, $3, weekday, minutes FROM unnest($4::smallint[], $5::int[]) AS t(weekday, minutes)
                ON CONFLICT (tenant_id, therapist_id, effective_on, weekday) DO UPDATE SET minutes = excluded.minutes
                """,
                Value(tenantId), Value(e.TherapistId), Value(DateOnly.FromDateTime(e.SetAt.UtcDateTime)),
                Array(Enum.GetValues<DayOfWeek>().Select(day => (short)day).ToArray(), NpgsqlDbType.Smallint),
                Array(Enum.GetValues<DayOfWeek>().Select(day => WorkingMinutes(e.Hours, day)).ToArray(), NpgsqlDbType.Integer)),
            _ => null,
        };
    }

    private static NpgsqlBatchCommand SetStatus(WorkloadTables tables, string tenantId, Guid appointmentId, AppointmentStatus status) => Command(
        $"UPDATE {tables.Appointments} SET status = $3 WHERE tenant_id = $1 AND appointment_id = $2",
        Value(tenantId), Value(appointmentId), Value(DayScheduleProjection.StatusText(status)));

    private static int Minutes(DateTimeOffset start, DateTimeOffset end) => (int)Math.Round((end - start).TotalMinutes);

    private static int WorkingMinutes(IReadOnlyList<WeeklyHours> hours, DayOfWeek day) =>
        (int)Math.Round(hours.Where(h => h.Day == day).Sum(h => (h.To - h.From).TotalMinutes));
}

/// <summary>Reads therapist workload; every query is scoped to the caller's tenant.</summary>
public static class TherapistWorkloadQueries
{
    /// <summary>At most this many days per query; a year of days, or 53 weeks, is the most a screen shows.</summary>
    public const int MaxDays = 371;

    /// <summary>Every day from <paramref name="from"/> to <paramref name="to"/> inclusive, idle days included.</summary>
    public static async Task<IReadOnlyList<TherapistWorkloadDay>> GetDaysAsync(
        NpgsqlDataSource dataSource, string schema, string tenantId, Guid therapistId, DateOnly from, DateOnly to,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (to < from)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, "The range ends before it starts.");
        }
        // Npgsql sends these two as -infinity and infinity, and a day series to or from either never ends.
        if (from == DateOnly.MinValue || to == DateOnly.MaxValue)
        {
            throw new ArgumentOutOfRangeException(from == DateOnly.MinValue ? nameof(from) : nameof(to), "The calendar's first and last days cannot be queried.");
        }
        if (to.DayNumber - from.DayNumber + 1 > MaxDays)
        {
            throw new ArgumentOutOfRangeException(nameof(to), to, $"A workload query covers at most {MaxDays} days.");
        }

        var appointments = Table(schema, TherapistWorkloadProjection.AppointmentsTable);
        var techniques = Table(schema, TherapistWorkloadProjection.TechniquesTable);
        var hours = Table(schema, TherapistWorkloadProjection.HoursTable);
        await using var command = dataSource.CreateCommand($"""
            WITH days AS (
                SELECT d::date AS day FROM generate_series($3::date, $4::date, interval '1 day') AS d),
            booked AS (
                SELECT a.day,
                       sum(a.booked_minutes) FILTER (WHERE a.status <> 'cancelled') AS booked_minutes,
                       sum(round(extract(epoch FROM a.session_completed_at - a.session_started_at) / 60))
                           FILTER (WHERE a.session_completed_at IS NOT NULL) AS delivered_minutes,
                       count(*) FILTER (WHERE a.session_completed_at IS NOT NULL) AS sessions,
                       count(*) FILTER (WHERE a.status = 'cancelled') AS cancellations,
                       count(*) FILTER (WHERE a.status = 'noshow') AS no_shows
                  FROM {appointments} a
                 WHERE a.tenant_id = $1 AND a.therapist_id = $2 AND a.day BETWEEN $3 AND $4
                 GROUP BY a.day),
            hands_on AS (
                SELECT a.day, sum(t.seconds) AS seconds
                  FROM {appointments} a
                  JOIN {techniques} t ON t.tenant_id = a.tenant_id AND t.appointment_id = a.appointment_id
                 WHERE a.tenant_id = $1 AND a.therapist_id = $2 AND a.day BETWEEN $3 AND $4 AND t.pressure >= $5
                 GROUP BY a.day)
            SELECT d.day,
                   coalesce(b.booked_minutes, 0)::int,
                   coalesce(b.delivered_minutes, 0)::int,
                   coalesce(h.seconds, 0)::bigint,
                   coalesce(b.sessions, 0)::int,
                   coalesce(b.cancellations, 0)::int,
                   coalesce(b.no_shows, 0)::int,
                   coalesce((SELECT w.minutes FROM {hours} w
                              WHERE w.tenant_id = $1 AND w.therapist_id = $2 AND w.weekday = extract(dow FROM d.day)
                                AND w.effective_on = (SELECT max(x.effective_on) FROM {hours} x
                                                       WHERE x.tenant_id = $1 AND x.therapist_id = $2 AND x.effective_on <= d.day)), 0)
              FROM days d
              LEFT JOIN booked b ON b.day = d.day
              LEFT JOIN hands_on h ON h.day = d.day
             ORDER BY d.day
            """);
        command.Parameters.Add(Value(tenantId));
        command.Parameters.Add(Value(therapistId));
        command.Parameters.Add(Value(from));
        command.Parameters.Add(Value(to));
        command.Parameters.Add(Value((short)TherapistWorkloadProjection.HighPressureThreshold));
        var days = new List<TherapistWorkloadDay>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var booked = reader.GetInt32(1);
            var working = reader.GetInt32(7);
            days.Add(new TherapistWorkloadDay(
                therapistId,
                reader.GetFieldValue<DateOnly>(0),
                booked,
                reader.GetInt32(2),
                HandsOnMinutes(reader.GetInt64(3)),
                reader.GetInt32(4),
                reader.GetInt32(5),
                reader.GetInt32(6),
                working,
                Utilisation(booked, working)));
        }
        return days;
    }

    /// <summary>The ISO weeks (Monday to Sunday) touching the range, each whole.</summary>
    public static async Task<IReadOnlyList<TherapistWorkloadWeek>> GetWeeksAsync(
        NpgsqlDataSource dataSource, string schema, string tenantId, Guid therapistId, DateOnly from, DateOnly to,
        CancellationToken cancellationToken = default)
    {
        var firstMonday = from.AddDays(-DaysSinceMonday(from));
        var lastSunday = to.AddDays(6 - DaysSinceMonday(to));
        var days = await GetDaysAsync(dataSource, schema, tenantId, therapistId, firstMonday, lastSunday, cancellationToken);
        return days
            .GroupBy(day => day.Day.AddDays(-DaysSinceMonday(day.Day)))
            .Select(week =>
            {
                var monday = week.Key.ToDateTime(TimeOnly.MinValue);
                var booked = week.Sum(d => d.BookedMinutes);
                var working = week.Sum(d => d.WorkingMinutes);
                return new TherapistWorkloadWeek(
                    therapistId,
                    ISOWeek.GetYear(monday),
                    ISOWeek.GetWeekOfYear(monday),
                    week.Key,
                    booked,
                    week.Sum(d => d.DeliveredMinutes),
                    week.Sum(d => d.HighPressureHandsOnMinutes),
                    week.Sum(d => d.Sessions),
                    week.Sum(d => d.Cancellations),
                    week.Sum(d => d.NoShows),
                    working,
                    Utilisation(booked, working));
            })
            .ToList();
    }

    private static int DaysSinceMonday(DateOnly day) => ((int)day.DayOfWeek + 6) % 7;

    private static decimal HandsOnMinutes(long seconds) => Math.Round(seconds / 60m, 2);

    private static decimal? Utilisation(int bookedMinutes, int workingMinutes) =>
        workingMinutes > 0 ? Math.Round((decimal)bookedMinutes / workingMinutes, 4) : null;
}
