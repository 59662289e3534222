using Practice.Domain.Clients;
using Practice.Domain.Clients.WithdrawingConsent;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Clients;

public sealed class WithdrawingConsentTests
{
    [Fact]
    public void Withdraws_a_granted_consent() =>
        Given<Client>(ClientHistory)
            .When(c => WithdrawConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, Now), c))
            .Then(new ConsentWithdrawn(ClientId, ConsentScope.Treatment, Now));

    [Fact]
    public void Refuses_to_withdraw_a_consent_never_granted() =>
        Given<Client>(ClientHistory)
            .When(c => WithdrawConsentHandler.Decide(new(ClientId, ConsentScope.SensitiveAreas, Now), c))
            .ThenRejects(DomainErrorCodes.ConsentNotGranted, "scope");

    [Fact]
    public void Refuses_to_withdraw_a_consent_withdrawn_already() =>
        Given<Client>([.. ClientHistory, new ConsentWithdrawn(ClientId, ConsentScope.Treatment, Now)])
            .When(c => WithdrawConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, Now), c))
            .ThenRejects(DomainErrorCodes.ConsentNotGranted, "scope");

    [Fact]
    public void Refuses_an_unregistered_client() =>
        Given<Client>()
            .When(c => WithdrawConsentHandler.Decide(new(ClientId, ConsentScope.Treatment, Now), c))
            .ThenRejects(DomainErrorCodes.ClientNotFound, "clientId");
}
