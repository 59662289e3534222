namespace Practice.Domain.Staff.SettingModalities;

public sealed record SetModalities(Guid TherapistId, IReadOnlyList<Modality> Modalities, DateTimeOffset Now);

public static class SetModalitiesHandler
{
    public static Decision Decide(SetModalities command, Therapist therapist)
    {
        if (!therapist.Exists)
        {
            return Decision.Reject(DomainErrorCodes.TherapistNotFound, "The therapist is not registered.", "therapistId");
        }

        return Decision.Accept(new TherapistModalitiesSet(command.TherapistId, command.Modalities.Distinct().Order().ToList(), command.Now));
    }
}
