namespace Practice.Domain.Clinics.RegisteringOrganisation;

public sealed record RegisterOrganisation(Guid OrganisationId, string Name, DateTimeOffset Now);

public static class RegisterOrganisationHandler
{
    public static Decision Decide(RegisterOrganisation command, Organisation organisation)
    {
        if (organisation.Exists)
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The organisation is registered already.", "organisationId");
        }

        if (Validate.Required("name", command.Name) is { } error)
        {
            return error;
        }

        return Decision.Accept(new OrganisationRegistered(command.OrganisationId, command.Name.Trim(), command.Now));
    }
}
