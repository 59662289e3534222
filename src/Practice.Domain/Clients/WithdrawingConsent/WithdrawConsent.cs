namespace Practice.Domain.Clients.WithdrawingConsent;

public sealed record WithdrawConsent(Guid ClientId, ConsentScope Scope, DateTimeOffset Now);

public static class WithdrawConsentHandler
{
    public static Decision Decide(WithdrawConsent command, Client client)
    {
        if (!client.Exists)
        {
            return Decision.Reject(DomainErrorCodes.ClientNotFound, "The client is not registered.", "clientId");
        }

        if (!client.HasConsent(command.Scope))
        {
            return Decision.Reject(DomainErrorCodes.ConsentNotGranted, $"No {command.Scope} consent to withdraw.", "scope");
        }

        return Decision.Accept(new ConsentWithdrawn(command.ClientId, command.Scope, command.Now));
    }
}
