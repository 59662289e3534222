using Practice.Domain.Clinics;
using Practice.Domain.Clinics.SettingOpeningHours;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Clinics;

public sealed class SettingOpeningHoursTests
{
    private static readonly WeeklyHours MondayMorning = new(DayOfWeek.Monday, new(9, 0), new(12, 0));
    private static readonly WeeklyHours MondayAfternoon = new(DayOfWeek.Monday, new(13, 0), new(18, 0));
    private static readonly WeeklyHours Sunday = new(DayOfWeek.Sunday, new(10, 0), new(14, 0));

    [Fact]
    public void Sets_the_weekly_hours_in_day_order() =>
        Given<Location>(LocationHistory)
            .When(l => SetOpeningHoursHandler.Decide(new(LocationId, [MondayAfternoon, Sunday, MondayMorning], Now), l))
            .Then(new OpeningHoursSet(LocationId, [Sunday, MondayMorning, MondayAfternoon], Now));

    [Fact]
    public void Refuses_hours_of_an_unknown_location() =>
        Given<Location>()
            .When(l => SetOpeningHoursHandler.Decide(new(LocationId, [Sunday], Now), l))
            .ThenRejects(DomainErrorCodes.LocationNotFound, "locationId");

    [Fact]
    public void Refuses_an_interval_that_ends_before_it_starts() =>
        Given<Location>(LocationHistory)
            .When(l => SetOpeningHoursHandler.Decide(new(LocationId, [new(DayOfWeek.Monday, new(18, 0), new(9, 0))], Now), l))
            .ThenRejects(DomainErrorCodes.InvalidHours, "hours");

    [Fact]
    public void Refuses_overlapping_intervals_on_one_day() =>
        Given<Location>(LocationHistory)
            .When(l => SetOpeningHoursHandler.Decide(new(LocationId, [MondayMorning, new(DayOfWeek.Monday, new(11, 0), new(14, 0))], Now), l))
            .ThenRejects(DomainErrorCodes.InvalidHours, "hours");
}
