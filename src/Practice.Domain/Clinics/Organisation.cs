namespace Practice.Domain.Clinics;

// The tenant: a clinic organisation owning locations.
public sealed record OrganisationRegistered(Guid OrganisationId, string Name, DateTimeOffset RegisteredAt) : IDomainEvent;

public sealed record Organisation(bool Exists, Guid OrganisationId, string Name) : IState<Organisation>
{
    public static Organisation Initial { get; } = new(false, Guid.Empty, "");

    public static string StreamType => "organisation";

    public static string StreamId(Guid organisationId) => $"organisation-{organisationId}";

    public Organisation Apply(object @event) => @event switch
    {
        OrganisationRegistered e => this with { Exists = true, OrganisationId = e.OrganisationId, Name = e.Name },
        _ => this,
    };
}
