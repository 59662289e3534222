namespace Practice.Domain.Clients.RecordingIntake;

// MayReplace: the caller reads the intake it would replace. Whoever cannot (the front desk) takes only the first one,
// so a form filled in again at the desk never silently drops a caution a therapist recorded.
public sealed record RecordIntake(
    Guid ClientId, IReadOnlyList<string> Conditions, IReadOnlyList<Contraindication> Contraindications, DateTimeOffset Now, bool MayReplace);

public static class RecordIntakeHandler
{
    public static Decision Decide(RecordIntake command, Client client)
    {
        if (!client.Exists)
        {
            return Decision.Reject(DomainErrorCodes.ClientNotFound, "The client is not registered.", "clientId");
        }

        if (client.IntakeTaken && !command.MayReplace)
        {
            return Decision.Reject(DomainErrorCodes.IntakeAlreadyTaken,
                "The client's intake is already taken; a therapist or manager, who can see what it records, updates it.", "clientId");
        }

        if (command.Conditions.Any(string.IsNullOrWhiteSpace))
        {
            return Decision.Reject(DomainErrorCodes.InvalidValue, "A condition must not be blank.", "conditions");
        }

        return Decision.Accept(new IntakeRecorded(
            command.ClientId,
            command.Conditions.Select(c => c.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            command.Contraindications.Distinct().Order().ToList(),
            command.Now));
    }
}
