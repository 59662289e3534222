namespace Practice.Domain.Staff.AddingCredential;

// Kind: e.g. CredentialKinds.DryNeedling; Jurisdiction: e.g. "CA-ON", matched against the location's.
public sealed record AddCredential(
    Guid TherapistId, Guid CredentialId, string Kind, string Jurisdiction, string Number, DateOnly ExpiresOn, DateTimeOffset Now);

public static class AddCredentialHandler
{
    public static Decision Decide(AddCredential command, Therapist therapist)
    {
        if (!therapist.Exists)
        {
            return Decision.Reject(DomainErrorCodes.TherapistNotFound, "The therapist is not registered.", "therapistId");
        }

        if (therapist.Credentials.Any(c => c.CredentialId == command.CredentialId))
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The credential is recorded already.", "credentialId");
        }

        if ((Validate.Required("kind", command.Kind) ?? Validate.Required("jurisdiction", command.Jurisdiction) ?? Validate.Required("number", command.Number)) is { } error)
        {
            return error;
        }

        return Decision.Accept(new CredentialAdded(
            command.TherapistId, command.CredentialId, command.Kind.Trim().ToLowerInvariant(), command.Jurisdiction.Trim(), command.Number.Trim(), command.ExpiresOn, command.Now));
    }
}
