using Practice.Domain;
using Practice.Domain.Staff;
using Practice.EventStore;
using Practice.Projections.TherapistWorkload;
using static Practice.Projections.Tests.ClinicHistory;

namespace Practice.Projections.Tests;

public sealed class TherapistWorkloadTests(ViewsFixture fixture) : IClassFixture<ViewsFixture>
{
    private static readonly DateOnly Sunday = new(2026, 11, 22);
    private static readonly DateOnly Monday = new(2026, 11, 23);
    private static readonly DateOnly Tuesday = new(2026, 11, 24);

    private readonly StreamStore _store = fixture.Store;

    /// <summary>
    /// Monday: a 60-minute appointment treated in 55 minutes (90 s at pressure 4, 150 s at 5, 300 s at 3), a
    /// 90-minute one cancelled, a 30-minute no-show, and a 60-minute one rescheduled to Tuesday.
    /// </summary>
    internal static async Task BusyMondayAsync(ClinicHistory clinic)
    {
        await clinic.OpenAsync("Jonas Weber", WeekdaysNineToFive, Local(2026, 11, 1, 9));
        var clientId = await clinic.RegisterClientAsync("Lea Kim", Local(2026, 11, 1, 9));
        var bookedAt = Local(2026, 11, 16, 9);

        var treated = await clinic.BookAsync(clientId, Modality.TriggerPointTherapy, Local(2026, 11, 23, 10), 60, bookedAt);
        await clinic.TreatAsync(treated, clientId, Modality.TriggerPointTherapy, startedAt: Local(2026, 11, 23, 10), completedAt: Local(2026, 11, 23, 10, 55),
            clinic.Technique(treated, clientId, "ischemic compression", pressure: 4, seconds: 90, Local(2026, 11, 23, 10, 10)),
            clinic.Technique(treated, clientId, "pistoning", pressure: 5, seconds: 150, Local(2026, 11, 23, 10, 20)),
            clinic.Technique(treated, clientId, "stroking", pressure: 3, seconds: 300, Local(2026, 11, 23, 10, 30)));

        var cancelled = await clinic.BookAsync(clientId, Modality.DeepTissue, Local(2026, 11, 23, 12), 90, bookedAt);
        await clinic.CancelAsync(cancelled, clientId, Local(2026, 11, 23, 12), "Work trip", late: false, feePercent: 0, waiver: null, Local(2026, 11, 18, 9));

        var missed = await clinic.BookAsync(clientId, Modality.Swedish, Local(2026, 11, 23, 14), 30, bookedAt);
        await clinic.MarkNoShowAsync(missed, clientId, Local(2026, 11, 23, 14), Local(2026, 11, 23, 14, 20));

        var moved = await clinic.BookAsync(clientId, Modality.DeepTissue, Local(2026, 11, 23, 15), 60, bookedAt);
        await clinic.RescheduleAsync(moved, clientId, Local(2026, 11, 23, 15), Local(2026, 11, 24, 11), 60, Local(2026, 11, 19, 9));
    }

    [Fact]
    public async Task A_day_counts_booked_delivered_and_high_pressure_minutes_net_of_cancellations_and_reschedules()
    {
        var clinic = new ClinicHistory(_store, "workload-a");
        await BusyMondayAsync(clinic);
        await CatchUpAsync(_store);

        var days = await TherapistWorkloadQueries.GetDaysAsync(_store.DataSource, _store.Schema, clinic.TenantId, clinic.TherapistId, Sunday, Tuesday);

        Assert.Equal(
            [
                new TherapistWorkloadDay(clinic.TherapistId, Sunday, 0, 0, 0m, 0, 0, 0, 0, null),
                new TherapistWorkloadDay(clinic.TherapistId, Monday, BookedMinutes: 60 + 30, DeliveredMinutes: 55, HighPressureHandsOnMinutes: 4m,
                    Sessions: 1, Cancellations: 1, NoShows: 1, WorkingMinutes: 480, Utilisation: 0.1875m),
                new TherapistWorkloadDay(clinic.TherapistId, Tuesday, 60, 0, 0m, 0, 0, 0, 480, 0.125m),
            ],
            days);
    }

    [Fact]
    public async Task A_week_sums_its_days_and_divides_by_the_weeks_working_minutes()
    {
        var clinic = new ClinicHistory(_store, "workload-b");
        await BusyMondayAsync(clinic);
        await CatchUpAsync(_store);

        var weeks = await TherapistWorkloadQueries.GetWeeksAsync(_store.DataSource, _store.Schema, clinic.TenantId, clinic.TherapistId, Monday, Tuesday);

        var week = Assert.Single(weeks);
        Assert.Equal(
            new TherapistWorkloadWeek(clinic.TherapistId, 2026, 48, Monday, BookedMinutes: 150, DeliveredMinutes: 55, HighPressureHandsOnMinutes: 4m,
                Sessions: 1, Cancellations: 1, NoShows: 1, WorkingMinutes: 5 * 480, Utilisation: 0.0625m),
            week);
    }

    [Fact]
    public async Task A_new_timetable_applies_from_the_day_it_was_set_and_leaves_earlier_days_alone()
    {
        var clinic = new ClinicHistory(_store, "workload-c");
        await BusyMondayAsync(clinic);
        IReadOnlyList<WeeklyHours> mornings = [.. WeekdaysNineToFive.Select(h => h with { To = new TimeOnly(13, 0) })];
        await clinic.AppendAsync(Therapist.StreamId(clinic.TherapistId), Therapist.StreamType,
            new WorkingHoursSet(clinic.TherapistId, mornings, Local(2026, 11, 25, 9)));
        await CatchUpAsync(_store);

        var days = await TherapistWorkloadQueries.GetDaysAsync(
            _store.DataSource, _store.Schema, clinic.TenantId, clinic.TherapistId, Monday, Monday.AddDays(7));

        Assert.Equal(480, days.Single(d => d.Day == Monday).WorkingMinutes);
        Assert.Equal(240, days.Single(d => d.Day == Monday.AddDays(7)).WorkingMinutes);
    }

    [Fact]
    public async Task Another_tenant_sees_no_workload()
    {
        var clinic = new ClinicHistory(_store, "workload-d");
        await BusyMondayAsync(clinic);
        await CatchUpAsync(_store);

        var days = await TherapistWorkloadQueries.GetDaysAsync(_store.DataSource, _store.Schema, "workload-other", clinic.TherapistId, Monday, Tuesday);

        Assert.Equal(
            [
                new TherapistWorkloadDay(clinic.TherapistId, Monday, 0, 0, 0m, 0, 0, 0, 0, null),
                new TherapistWorkloadDay(clinic.TherapistId, Tuesday, 0, 0, 0m, 0, 0, 0, 0, null),
            ],
            days);
    }

    [Fact]
    public async Task A_range_that_ends_before_it_starts_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            TherapistWorkloadQueries.GetDaysAsync(_store.DataSource, _store.Schema, "workload-e", Guid.CreateVersion7(), Tuesday, Monday));
    }
}
