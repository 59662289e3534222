using Practice.Domain.Clients;
using Practice.Domain.Clients.RecordingIntake;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Clients;

public sealed class RecordingIntakeTests
{
    [Fact]
    public void Records_conditions_and_contraindications_once_each() =>
        Given<Client>(ClientHistory)
            .When(c => RecordIntakeHandler.Decide(
                new(ClientId, ["Neck pain ", "neck pain", "Tension headache"], [Contraindication.Pregnancy, Contraindication.Anticoagulants, Contraindication.Pregnancy], Now, MayReplace: true), c))
            .Then(new IntakeRecorded(ClientId, ["Neck pain", "Tension headache"], [Contraindication.Anticoagulants, Contraindication.Pregnancy], Now));

    [Fact]
    public void Refuses_an_unregistered_client() =>
        Given<Client>()
            .When(c => RecordIntakeHandler.Decide(new(ClientId, ["Neck pain"], [], Now, MayReplace: true), c))
            .ThenRejects(DomainErrorCodes.ClientNotFound, "clientId");

    [Fact]
    public void A_caller_who_cannot_read_the_intake_takes_only_the_first() =>
        Given<Client>(ClientHistory)
            .When(c => RecordIntakeHandler.Decide(new(ClientId, ["Neck pain"], [], Now, MayReplace: false), c))
            .ThenRejects(DomainErrorCodes.IntakeAlreadyTaken, "clientId");

    [Fact]
    public void A_first_intake_needs_no_right_to_replace() =>
        Given<Client>(ClientHistory[0])
            .When(c => RecordIntakeHandler.Decide(new(ClientId, ["Neck pain"], [Contraindication.Pregnancy], Now, MayReplace: false), c))
            .Then(new IntakeRecorded(ClientId, ["Neck pain"], [Contraindication.Pregnancy], Now));

    [Fact]
    public void Refuses_a_blank_condition() =>
        Given<Client>(ClientHistory)
            .When(c => RecordIntakeHandler.Decide(new(ClientId, ["Neck pain", ""], [], Now, MayReplace: true), c))
            .ThenRejects(DomainErrorCodes.InvalidValue, "conditions");
}
