namespace Practice.Domain.Clients.RegisteringClient;

public sealed record RegisterClient(Guid ClientId, string Name, DateOnly DateOfBirth, Contact Contact, DateTimeOffset Now);

public static class RegisterClientHandler
{
    public static Decision Decide(RegisterClient command, Client client)
    {
        if (client.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The client is registered already.", "clientId");
        }

        if (Validate.Required("name", command.Name) is { } error)
        {
            return error;
        }

        if (command.DateOfBirth > DateOnly.FromDateTime(command.Now.UtcDateTime))
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, "The date of birth lies in the future.", "dateOfBirth");
        }

        return Decision.Accept(new ClientRegistered(command.ClientId, command.Name.Trim(), command.DateOfBirth, command.Contact, command.Now));
    }
}
