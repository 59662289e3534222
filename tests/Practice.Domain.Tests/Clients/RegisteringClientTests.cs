using Practice.Domain.Clients;
using Practice.Domain.Clients.RegisteringClient;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Clients;

public sealed class RegisteringClientTests
{
    private static readonly Contact Contact = new("sam@example.org", "+1 416 555 0100");

    [Fact]
    public void Registers_a_client() =>
        Given<Client>()
            .When(c => RegisterClientHandler.Decide(new(ClientId, "Sam Lee", new(1985, 4, 12), Contact, Now), c))
            .Then(new ClientRegistered(ClientId, "Sam Lee", new(1985, 4, 12), Contact, Now));

    [Fact]
    public void Refuses_a_second_registration() =>
        Given<Client>(ClientHistory)
            .When(c => RegisterClientHandler.Decide(new(ClientId, "Sam Lee", new(1985, 4, 12), Contact, Now), c))
            .ThenRejects(DomainErrorCodes.AlreadyExists, "clientId");

    [Fact]
    public void Refuses_a_birth_date_in_the_future() =>
        Given<Client>()
            .When(c => RegisterClientHandler.Decide(new(ClientId, "Sam Lee", new(2026, 1, 7), Contact, Now), c))
            .ThenRejects(DomainErrorCodes.InvalidValue, "dateOfBirth");

    // 12:00 UTC on the 5th is already 01:00 on the 6th in Auckland: a baby born there today is not from the future.
    [Fact]
    public void Registers_a_birth_date_that_is_today_somewhere_ahead_of_utc() =>
        Given<Client>()
            .When(c => RegisterClientHandler.Decide(new(ClientId, "Sam Lee", new(2026, 1, 6), Contact, Now), c))
            .Then(new ClientRegistered(ClientId, "Sam Lee", new(2026, 1, 6), Contact, Now));

    [Fact]
    public void Refuses_a_blank_name() =>
        Given<Client>()
            .When(c => RegisterClientHandler.Decide(new(ClientId, " ", new(1985, 4, 12), Contact, Now), c))
            .ThenRejects(DomainErrorCodes.InvalidValue, "name");
}
