namespace Practice.Domain.Clinics.AddingLocation;

public sealed record AddLocation(
    Guid LocationId, Guid OrganisationId, string Name, string TimeZoneId, string Jurisdiction, Address Address, DateTimeOffset Now);

public static class AddLocationHandler
{
    public static Decision Decide(AddLocation command, Location location, Organisation organisation)
    {
        if (location.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The location exists already.", "locationId");
        }

        if (!organisation.Exists)
        {
            return Decision.Reject(DomainErrorCodes.OrganisationNotFound, "The organisation is not registered.", "organisationId");
        }

        if (Validate.Required("name", command.Name) is { } error)
        {
            return error;
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(command.TimeZoneId, out _))
        {
            return Decision.Reject(DomainErrorCodes.InvalidTimeZone, $"'{command.TimeZoneId}' is not a known time zone id.", "timeZoneId");
        }

        if (Validate.Required("jurisdiction", command.Jurisdiction) is { } missing)
        {
            return missing;
        }

        return Decision.Accept(new LocationAdded(
            command.LocationId, command.OrganisationId, command.Name.Trim(), command.TimeZoneId, command.Jurisdiction, command.Address, command.Now));
    }
}
