namespace Practice.Domain.Clients.RegisteringClient;

public sealed record RegisterClient(Guid ClientId, string Name, DateOnly DateOfBirth, Contact Contact, DateTimeOffset Now);

public static class RegisterClientHandler
{
    private static readonly TimeSpan LatestOffset = TimeSpan.FromHours(14);

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

        // A date is in the future only once it is the future everywhere: at UTC+14 the calendar is furthest ahead.
        if (command.DateOfBirth > DateOnly.FromDateTime(command.Now.ToOffset(LatestOffset).DateTime))
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, "The date of birth lies in the future.", "dateOfBirth");
        }

        return Decision.Accept(new ClientRegistered(command.ClientId, command.Name.Trim(), command.DateOfBirth, command.Contact, command.Now));
    }
}
