namespace Practice.Domain;

// One interval of a weekly timetable in local clock time (opening hours, working hours).
public sealed record WeeklyHours(DayOfWeek Day, TimeOnly From, TimeOnly To)
{
    // Null when the timetable is valid: each interval non-empty and no two overlapping on the same day.
    public static DomainError? Validate(IReadOnlyList<WeeklyHours> hours, string field)
    {
        if (hours.Any(h => h.From >= h.To))
        {
            return new DomainError(DomainErrorCodes.InvalidHours, "Every interval must end after it starts.", field);
        }

        var overlapping = hours
            .GroupBy(h => h.Day)
            .Any(day => day.OrderBy(h => h.From).Zip(day.OrderBy(h => h.From).Skip(1)).Any(pair => pair.Second.From < pair.First.To));
        return overlapping
            ? new DomainError(DomainErrorCodes.InvalidHours, "Intervals on the same day must not overlap.", field)
            : null;
    }

    public static IReadOnlyList<WeeklyHours> Normalise(IEnumerable<WeeklyHours> hours) =>
        hours.Distinct().OrderBy(h => h.Day).ThenBy(h => h.From).ToList();

    // True when one interval holds the whole local span; a span over midnight never fits.
    public static bool Cover(IEnumerable<WeeklyHours> hours, DateTime localStart, DateTime localEnd) =>
        localStart.Date == localEnd.Date && hours.Any(h =>
            h.Day == localStart.DayOfWeek
            && TimeOnly.FromDateTime(localStart) >= h.From
            && TimeOnly.FromDateTime(localEnd) <= h.To);
}
