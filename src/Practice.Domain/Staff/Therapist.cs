using System.Collections.Immutable;

namespace Practice.Domain.Staff;

public sealed record TherapistRegistered(Guid TherapistId, string Name, IReadOnlyList<Guid> LocationIds, DateTimeOffset RegisteredAt) : IDomainEvent;

// Replaces the whole set.
public sealed record TherapistModalitiesSet(Guid TherapistId, IReadOnlyList<Modality> Modalities, DateTimeOffset SetAt) : IDomainEvent;

public sealed record CredentialAdded(
    Guid TherapistId, Guid CredentialId, string Kind, string Jurisdiction, string Number, DateOnly ExpiresOn, DateTimeOffset AddedAt) : IDomainEvent;

// Replaces the whole weekly timetable; local clock time of whichever location the therapist works at.
public sealed record WorkingHoursSet(Guid TherapistId, IReadOnlyList<WeeklyHours> Hours, DateTimeOffset SetAt) : IDomainEvent;

public sealed record Credential(Guid CredentialId, string Kind, string Jurisdiction, DateOnly ExpiresOn);

public sealed record Therapist(
    bool Exists,
    Guid TherapistId,
    ImmutableHashSet<Guid> LocationIds,
    ImmutableHashSet<Modality> Modalities,
    ImmutableList<Credential> Credentials,
    IReadOnlyList<WeeklyHours> WorkingHours) : IState<Therapist>
{
    public static Therapist Initial { get; } = new(false, Guid.Empty, [], [], [], []);

    public static string StreamType => "therapist";

    public static string StreamId(Guid therapistId) => $"therapist-{therapistId}";

    public bool Practises(Modality modality) => Modalities.Contains(modality);

    // A credential expiring on a day still covers that day.
    public bool HoldsValidCredential(string kind, string jurisdiction, DateOnly on) => Credentials.Any(c =>
        string.Equals(c.Kind, kind, StringComparison.OrdinalIgnoreCase)
        && string.Equals(c.Jurisdiction, jurisdiction, StringComparison.OrdinalIgnoreCase)
        && c.ExpiresOn >= on);

    public bool IsWorking(DateTime localStart, DateTime localEnd) => WeeklyHours.Cover(WorkingHours, localStart, localEnd);

    public Therapist Apply(object @event) => @event switch
    {
        TherapistRegistered e => this with { Exists = true, TherapistId = e.TherapistId, LocationIds = [.. e.LocationIds] },
        TherapistModalitiesSet e => this with { Modalities = [.. e.Modalities] },
        CredentialAdded e => this with { Credentials = Credentials.Add(new(e.CredentialId, e.Kind, e.Jurisdiction, e.ExpiresOn)) },
        WorkingHoursSet e => this with { WorkingHours = e.Hours },
        _ => this,
    };
}
