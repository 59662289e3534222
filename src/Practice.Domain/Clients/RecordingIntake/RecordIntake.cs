namespace Practice.Domain.Clients.RecordingIntake;

public sealed record RecordIntake(
    Guid ClientId, IReadOnlyList<string> Conditions, IReadOnlyList<Contraindication> Contraindications, DateTimeOffset Now);

public static class RecordIntakeHandler
{
    public static Decision Decide(RecordIntake command, Client client)
    {
        if (!client.Exists)
        {
            return Decision.Reject(DomainErrorCodes.ClientNotFound, "The client is not registered.", "clientId");
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
