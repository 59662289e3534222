using Practice.Domain.Clinics;

namespace Practice.Domain.Staff.RegisteringTherapist;

public sealed record RegisterTherapist(Guid TherapistId, string Name, IReadOnlyList<Guid> LocationIds, DateTimeOffset Now);

public static class RegisterTherapistHandler
{
    // locations: the state of every location in command.LocationIds.
    public static Decision Decide(RegisterTherapist command, Therapist therapist, IReadOnlyCollection<Location> locations)
    {
        if (therapist.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The therapist is registered already.", "therapistId");
        }

        if (Validate.Required("name", command.Name) is { } error)
        {
            return error;
        }

        if (command.LocationIds.Count == 0)
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, "A therapist works at one location at least.", "locationIds");
        }

        var known = locations.Where(l => l.Exists).Select(l => l.LocationId).ToHashSet();
        var missing = command.LocationIds.Where(id => !known.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            return Decision.Reject(DomainErrorCodes.LocationNotFound, $"Location {missing[0]} does not exist.", "locationIds");
        }

        return Decision.Accept(new TherapistRegistered(command.TherapistId, command.Name.Trim(), command.LocationIds.Distinct().ToList(), command.Now));
    }
}
