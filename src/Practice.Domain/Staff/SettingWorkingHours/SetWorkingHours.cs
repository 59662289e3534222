namespace Practice.Domain.Staff.SettingWorkingHours;

public sealed record SetWorkingHours(Guid TherapistId, IReadOnlyList<WeeklyHours> Hours, DateTimeOffset Now);

public static class SetWorkingHoursHandler
{
    public static Decision Decide(SetWorkingHours command, Therapist therapist)
    {
        if (!therapist.Exists)
        {
            return Decision.Reject(DomainErrorCodes.TherapistNotFound, "The therapist is not registered.", "therapistId");
        }

        if (WeeklyHours.Validate(command.Hours, "hours") is { } error)
        {
            return error;
        }

        return Decision.Accept(new WorkingHoursSet(command.TherapistId, WeeklyHours.Normalise(command.Hours), command.Now));
    }
}
