using System.Collections.Immutable;

namespace Practice.Domain.Clients;

public enum Contraindication
{
    Anticoagulants,
    NeedlePhobia,
    Pregnancy,
    BleedingDisorder,
    Immunocompromised,
    MetalAllergy,
    Lymphedema,
    RecentSurgery,
    Epilepsy,
}

public enum ConsentScope
{
    Treatment,
    DryNeedling,
    SensitiveAreas,
}

public sealed record Contact(string? Email, string? Phone);

public sealed record ClientRegistered(Guid ClientId, string Name, DateOnly DateOfBirth, Contact Contact, DateTimeOffset RegisteredAt) : IDomainEvent;

// Replaces the previous intake.
public sealed record IntakeRecorded(
    Guid ClientId, IReadOnlyList<string> Conditions, IReadOnlyList<Contraindication> Contraindications, DateTimeOffset RecordedAt) : IDomainEvent;

// GuardianName is set when the client was a minor at the time of consent; LocationId is where it was given, when named.
public sealed record ConsentGranted(
    Guid ClientId, ConsentScope Scope, bool Written, string? GuardianName, DateTimeOffset GrantedAt, Guid? LocationId = null) : IDomainEvent;

public sealed record ConsentWithdrawn(Guid ClientId, ConsentScope Scope, DateTimeOffset WithdrawnAt) : IDomainEvent;

public sealed record GivenConsent(bool Written, string? GuardianName);

// IntakeTaken: an intake has been recorded, so Contraindications is a screening's answer, not merely empty.
public sealed record Client(
    bool Exists,
    Guid ClientId,
    DateOnly DateOfBirth,
    bool IntakeTaken,
    ImmutableHashSet<Contraindication> Contraindications,
    ImmutableDictionary<ConsentScope, GivenConsent> Consents) : IState<Client>
{
    public const int AgeOfMajority = 18;

    public static Client Initial { get; } = new(false, Guid.Empty, default, false, [], ImmutableDictionary<ConsentScope, GivenConsent>.Empty);

    public static string StreamType => "client";

    public static string StreamId(Guid clientId) => $"client-{clientId}";

    public bool HasConsent(ConsentScope scope) => Consents.ContainsKey(scope);

    public bool HasWrittenConsent(ConsentScope scope) => Consents.TryGetValue(scope, out var consent) && consent.Written;

    public bool IsMinorOn(DateOnly day) => DateOfBirth.AddYears(AgeOfMajority) > day;

    public Client Apply(object @event) => @event switch
    {
        ClientRegistered e => this with { Exists = true, ClientId = e.ClientId, DateOfBirth = e.DateOfBirth },
        IntakeRecorded e => this with { IntakeTaken = true, Contraindications = [.. e.Contraindications] },
        ConsentGranted e => this with { Consents = Consents.SetItem(e.Scope, new(e.Written, e.GuardianName)) },
        ConsentWithdrawn e => this with { Consents = Consents.Remove(e.Scope) },
        _ => this,
    };
}
