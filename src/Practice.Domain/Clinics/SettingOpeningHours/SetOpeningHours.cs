namespace Practice.Domain.Clinics.SettingOpeningHours;

public sealed record SetOpeningHours(Guid LocationId, IReadOnlyList<WeeklyHours> Hours, DateTimeOffset Now);

public static class SetOpeningHoursHandler
{
    public static Decision Decide(SetOpeningHours command, Location location)
    {
        if (!location.Exists)
        {
            return Decision.Reject(DomainErrorCodes.LocationNotFound, "The location does not exist.", "locationId");
        }

        if (WeeklyHours.Validate(command.Hours, "hours") is { } error)
        {
            return error;
        }

        return Decision.Accept(new OpeningHoursSet(command.LocationId, WeeklyHours.Normalise(command.Hours), command.Now));
    }
}
