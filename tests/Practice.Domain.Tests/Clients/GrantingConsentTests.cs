using Practice.Domain.Clients;
using Practice.Domain.Clients.GrantingConsent;
using Practice.Domain.Clinics;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Clients;

public sealed class GrantingConsentTests
{
    private static ClientRegistered BornOn(DateOnly dateOfBirth) => new(ClientId, "Alex Lee", dateOfBirth, new(null, "+1 416 555 0101"), Now);

    [Fact]
    public void Records_an_adults_written_consent_without_a_guardian() =>
        Given<Client>(BornOn(new(1985, 4, 12)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.DryNeedling, true, "Pat Lee", null, Now), c, null))
            .Then(new ConsentGranted(ClientId, ConsentScope.DryNeedling, true, null, Now));

    [Fact]
    public void Refuses_a_minors_consent_without_a_guardian() =>
        Given<Client>(BornOn(new(2010, 6, 1)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, null, Now), c, null))
            .ThenRejects(DomainErrorCodes.GuardianRequired, "guardianName");

    [Fact]
    public void Records_a_minors_consent_given_by_a_guardian() =>
        Given<Client>(BornOn(new(2010, 6, 1)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, false, "Pat Lee", null, Now), c, null))
            .Then(new ConsentGranted(ClientId, ConsentScope.Treatment, false, "Pat Lee", Now));

    [Fact]
    public void Treats_a_client_turning_eighteen_today_as_an_adult() =>
        Given<Client>(BornOn(new(2008, 1, 5)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, null, Now), c, null))
            .Then(new ConsentGranted(ClientId, ConsentScope.Treatment, true, null, Now));

    [Fact]
    public void Treats_a_client_turning_eighteen_tomorrow_as_a_minor() =>
        Given<Client>(BornOn(new(2008, 1, 6)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, null, Now), c, null))
            .ThenRejects(DomainErrorCodes.GuardianRequired, "guardianName");

    // 20:00 in Toronto on the eve of an 18th birthday is already the birthday by the UTC date.
    private static readonly DateTimeOffset EveOfBirthday = Local(1, 4, 20);

    [Fact]
    public void Judges_age_on_the_consenting_locations_date_not_the_utc_date() =>
        Given<Client>(BornOn(new(2008, 1, 5)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, LocationId, EveOfBirthday), c, Build<Location>(LocationHistory)))
            .ThenRejects(DomainErrorCodes.GuardianRequired, "guardianName");

    [Fact]
    public void Records_where_consent_was_given_and_an_adult_on_the_locations_birthday() =>
        Given<Client>(BornOn(new(2008, 1, 5)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, "Pat Lee", LocationId, Local(1, 5, 0, 30)), c, Build<Location>(LocationHistory)))
            .Then(new ConsentGranted(ClientId, ConsentScope.Treatment, true, null, Local(1, 5, 0, 30), LocationId));

    [Fact]
    public void Without_a_location_asks_for_a_guardian_until_the_birthday_has_begun_everywhere()
    {
        var client = Build<Client>(BornOn(new(2008, 1, 5)));
        // 11:59 UTC on the birthday is still the 4th at UTC-12; from 12:00 UTC it is the 5th everywhere.
        Assert.Equal(DomainErrorCodes.GuardianRequired,
            GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, null, new(2026, 1, 5, 11, 59, 0, TimeSpan.Zero)), client, null).Error?.Code);
        Assert.Null(GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, null, new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero)), client, null).Error);
    }

    [Fact]
    public void Refuses_a_location_that_does_not_exist() =>
        Given<Client>(BornOn(new(1985, 4, 12)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, OtherLocationId, Now), c, Location.Initial))
            .ThenRejects(DomainErrorCodes.LocationNotFound, "locationId");

    [Fact]
    public void Refuses_an_unregistered_client() =>
        Given<Client>()
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, null, Now), c, null))
            .ThenRejects(DomainErrorCodes.ClientNotFound, "clientId");
}
