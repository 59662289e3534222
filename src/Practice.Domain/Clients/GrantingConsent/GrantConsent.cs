using Practice.Domain.Clinics;

namespace Practice.Domain.Clients.GrantingConsent;

// LocationId names where consent is given, whose calendar decides whether the client is still a minor.
public sealed record GrantConsent(Guid ClientId, ConsentScope Scope, bool Written, string? GuardianName, Guid? LocationId, DateTimeOffset Now);

public static class GrantConsentHandler
{
    // The earliest local date anywhere is the date at UTC-12: until a birthday has begun there too, somebody may
    // legally still be a minor, so without a location a guardian is asked for rather than missed.
    private static readonly TimeSpan EarliestOffset = TimeSpan.FromHours(-12);

    public static Decision Decide(GrantConsent command, Client client, Location? location)
    {
        if (!client.Exists)
        {
            return Decision.Reject(DomainErrorCodes.ClientNotFound, "The client is not registered.", "clientId");
        }

        if (command.LocationId is not null && location is not { Exists: true })
        {
            return Decision.Reject(DomainErrorCodes.LocationNotFound, "The location does not exist.", "locationId");
        }

        var today = location is not null ? location.LocalDateOf(command.Now) : DateOnly.FromDateTime(command.Now.ToOffset(EarliestOffset).DateTime);
        var minor = client.IsMinorOn(today);
        if (minor && string.IsNullOrWhiteSpace(command.GuardianName))
        {
            return Decision.Reject(DomainErrorCodes.GuardianRequired, "A minor's consent is given by a guardian.", "guardianName");
        }

        return Decision.Accept(new ConsentGranted(
            command.ClientId, command.Scope, command.Written, minor ? command.GuardianName!.Trim() : null, command.Now, command.LocationId));
    }
}
