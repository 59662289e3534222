using Practice.Domain.Clinics;
using Practice.Domain.Clinics.AddingLocation;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Clinics;

public sealed class AddingLocationTests
{
    private static AddLocation Command(string timeZoneId = TimeZoneId, string jurisdiction = Jurisdiction, string name = "Downtown") =>
        new(LocationId, OrganisationId, name, timeZoneId, jurisdiction, DowntownAddress, Now);

    [Fact]
    public void Adds_a_location() =>
        Given<Location>()
            .When(l => AddLocationHandler.Decide(Command(), l, Bodyworks))
            .Then(new LocationAdded(LocationId, OrganisationId, "Downtown", TimeZoneId, Jurisdiction, DowntownAddress, Now));

    [Fact]
    public void Refuses_an_existing_location() =>
        Given<Location>(LocationHistory)
            .When(l => AddLocationHandler.Decide(Command(), l, Bodyworks))
            .ThenRejects(DomainErrorCodes.AlreadyExists, "locationId");

    [Fact]
    public void Refuses_an_unregistered_organisation() =>
        Given<Location>()
            .When(l => AddLocationHandler.Decide(Command(), l, Organisation.Initial))
            .ThenRejects(DomainErrorCodes.OrganisationNotFound, "organisationId");

    [Fact]
    public void Refuses_an_unknown_time_zone() =>
        Given<Location>()
            .When(l => AddLocationHandler.Decide(Command(timeZoneId: "Mars/Olympus_Mons"), l, Bodyworks))
            .ThenRejects(DomainErrorCodes.InvalidTimeZone, "timeZoneId");

    [Fact]
    public void Refuses_a_blank_jurisdiction() =>
        Given<Location>()
            .When(l => AddLocationHandler.Decide(Command(jurisdiction: ""), l, Bodyworks))
            .ThenRejects(DomainErrorCodes.InvalidValue, "jurisdiction");

    [Fact]
    public void Refuses_a_blank_name() =>
        Given<Location>()
            .When(l => AddLocationHandler.Decide(Command(name: ""), l, Bodyworks))
            .ThenRejects(DomainErrorCodes.InvalidValue, "name");
}
