using Practice.EventStore;
using Practice.Projections.ClientTimeline;
using Practice.Projections.DaySchedule;
using Practice.Projections.TherapistWorkload;

namespace Practice.Projections.Tests;

public sealed class RebuildingTheViews(ViewsFixture fixture) : IClassFixture<ViewsFixture>
{
    private readonly StreamStore _store = fixture.Store;

    [Fact]
    public async Task Rebuilding_every_view_from_the_events_answers_every_query_exactly_as_before()
    {
        var timelineClinic = new ClinicHistory(_store, "rebuild-a");
        var clientId = await ClientTimelineTests.TreatedThenCancelledLateAsync(timelineClinic);
        var workloadClinic = new ClinicHistory(_store, "rebuild-a");
        await TherapistWorkloadTests.BusyMondayAsync(workloadClinic);
        var scheduleClinic = new ClinicHistory(_store, "rebuild-b");
        await DayScheduleTests.MondayInEveryStateAsync(scheduleClinic);
        await ClinicHistory.CatchUpAsync(_store);

        async Task<string> AnswersAsync()
        {
            var timeline = await ClientTimelineQueries.GetPageAsync(_store.DataSource, _store.Schema, timelineClinic.TenantId, clientId, 100);
            var days = await TherapistWorkloadQueries.GetDaysAsync(_store.DataSource, _store.Schema, workloadClinic.TenantId,
                workloadClinic.TherapistId, new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 29));
            var weeks = await TherapistWorkloadQueries.GetWeeksAsync(_store.DataSource, _store.Schema, workloadClinic.TenantId,
                workloadClinic.TherapistId, new DateOnly(2026, 11, 16), new DateOnly(2026, 11, 29));
            var schedule = await DayScheduleQueries.GetDayAsync(_store.DataSource, _store.Schema, scheduleClinic.TenantId,
                scheduleClinic.LocationId, new DateOnly(2026, 11, 23));
            Assert.Equal(14, timeline.Entries.Count);
            Assert.Equal(150, days.Sum(d => d.BookedMinutes));
            Assert.Equal(5, schedule.Count);
            // JsonElement compares by reference, so the timeline's data is compared as its text.
            return string.Join("\n", [
                .. timeline.Entries.Select(e => $"{e with { Data = default }} {e.Data.GetRawText()}"),
                .. days.Select(d => d.ToString()),
                .. weeks.Select(w => w.ToString()),
                .. schedule.Select(a => a.ToString())]);
        }

        var before = await AnswersAsync();
        foreach (var projection in PracticeProjections.All)
        {
            await _store.RebuildProjectionAsync(projection.Name);
        }
        var after = await AnswersAsync();

        Assert.Equal(before, after);
    }
}
