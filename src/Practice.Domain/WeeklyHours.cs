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

    // True when the day's intervals cover the whole local span without a gap, so 9-12 and 12-17 hold 11:30-12:30;
    // a span over midnight never fits.
    public static bool Cover(IEnumerable<WeeklyHours> hours, DateTime localStart, DateTime localEnd)
    {
        if (localStart.Date != localEnd.Date)
        {
            return false;
        }
        var coveredUntil = TimeOnly.FromDateTime(localStart);
        var end = TimeOnly.FromDateTime(localEnd);
        foreach (var interval in hours.Where(h => h.Day == localStart.DayOfWeek).OrderBy(h => h.From))
        {
            if (interval.From > coveredUntil)
            {
                break;
            }
            if (interval.To > coveredUntil)
            {
                coveredUntil = interval.To;
            }
            if (coveredUntil >= end)
            {
                return true;
            }
        }
        return false;
    }
}
