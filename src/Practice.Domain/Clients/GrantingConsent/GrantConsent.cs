namespace Practice.Domain.Clients.GrantingConsent;

public sealed record GrantConsent(Guid ClientId, ConsentScope Scope, bool Written, string? GuardianName, DateTimeOffset Now);

public static class GrantConsentHandler
{
    public static Decision Decide(GrantConsent command, Client client)
    {
        if (!client.Exists)
        {
            return Decision.Reject(DomainErrorCodes.ClientNotFound, "The client is not registered.", "clientId");
        }

        var minor = client.IsMinorOn(DateOnly.FromDateTime(command.Now.UtcDateTime));
        if (minor && string.IsNullOrWhiteSpace(command.GuardianName))
        {
            return Decision.Reject(DomainErrorCodes.GuardianRequired, "A minor's consent is given by a guardian.", "guardianName");
        }

        return Decision.Accept(new ConsentGranted(
            command.ClientId, command.Scope, command.Written, minor ? command.GuardianName!.Trim() : null, command.Now));
    }
}
