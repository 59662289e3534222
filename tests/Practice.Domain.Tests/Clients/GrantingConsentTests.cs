using Practice.Domain.Clients;
using Practice.Domain.Clients.GrantingConsent;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Clients;

public sealed class GrantingConsentTests
{
    private static ClientRegistered BornOn(DateOnly dateOfBirth) => new(ClientId, "Alex Lee", dateOfBirth, new(null, "+1 416 555 0101"), Now);

    [Fact]
    public void Records_an_adults_written_consent_without_a_guardian() =>
        Given<Client>(BornOn(new(1985, 4, 12)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.DryNeedling, true, "Pat Lee", Now), c))
            .Then(new ConsentGranted(ClientId, ConsentScope.DryNeedling, true, null, Now));

    [Fact]
    public void Refuses_a_minors_consent_without_a_guardian() =>
        Given<Client>(BornOn(new(2010, 6, 1)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, Now), c))
            .ThenRejects(DomainErrorCodes.GuardianRequired, "guardianName");

    [Fact]
    public void Records_a_minors_consent_given_by_a_guardian() =>
        Given<Client>(BornOn(new(2010, 6, 1)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, false, "Pat Lee", Now), c))
            .Then(new ConsentGranted(ClientId, ConsentScope.Treatment, false, "Pat Lee", Now));

    [Fact]
    public void Treats_a_client_turning_eighteen_today_as_an_adult() =>
        Given<Client>(BornOn(new(2008, 1, 5)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, Now), c))
            .Then(new ConsentGranted(ClientId, ConsentScope.Treatment, true, null, Now));

    [Fact]
    public void Treats_a_client_turning_eighteen_tomorrow_as_a_minor() =>
        Given<Client>(BornOn(new(2008, 1, 6)))
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, Now), c))
            .ThenRejects(DomainErrorCodes.GuardianRequired, "guardianName");

    [Fact]
    public void Refuses_an_unregistered_client() =>
        Given<Client>()
            .When(c => GrantConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, true, null, Now), c))
            .ThenRejects(DomainErrorCodes.ClientNotFound, "clientId");
}
