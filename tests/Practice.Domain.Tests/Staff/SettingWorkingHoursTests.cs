using Practice.Domain.Staff;
using Practice.Domain.Staff.SettingWorkingHours;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Staff;

public sealed class SettingWorkingHoursTests
{
    private static readonly WeeklyHours Tuesday = new(DayOfWeek.Tuesday, new(12, 0), new(20, 0));
    private static readonly WeeklyHours Monday = new(DayOfWeek.Monday, new(8, 0), new(16, 0));

    [Fact]
    public void Sets_the_weekly_hours_in_day_order() =>
        Given<Therapist>(TherapistHistory)
            .When(t => SetWorkingHoursHandler.Decide(new(TherapistId, [Tuesday, Monday], Now), t))
            .Then(new WorkingHoursSet(TherapistId, [Monday, Tuesday], Now));

    [Fact]
    public void Refuses_an_unregistered_therapist() =>
        Given<Therapist>()
            .When(t => SetWorkingHoursHandler.Decide(new(TherapistId, [Monday], Now), t))
            .ThenRejects(DomainErrorCodes.TherapistNotFound, "therapistId");

    [Fact]
    public void Refuses_an_empty_interval() =>
        Given<Therapist>(TherapistHistory)
            .When(t => SetWorkingHoursHandler.Decide(new(TherapistId, [new(DayOfWeek.Monday, new(9, 0), new(9, 0))], Now), t))
            .ThenRejects(DomainErrorCodes.InvalidHours, "hours");
}
