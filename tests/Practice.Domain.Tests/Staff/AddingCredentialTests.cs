using Practice.Domain.Staff;
using Practice.Domain.Staff.AddingCredential;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Staff;

public sealed class AddingCredentialTests
{
    private static readonly Guid NewCredentialId = new("60000000-0000-0000-0000-000000000002");

    [Fact]
    public void Adds_a_credential_with_its_kind_in_lower_case() =>
        Given<Therapist>(TherapistHistory)
            .When(t => AddCredentialHandler.Decide(new(TherapistId, NewCredentialId, "Dry-Needling", "CA-BC", "BC-77", new(2027, 3, 1), Now), t))
            .Then(new CredentialAdded(TherapistId, NewCredentialId, CredentialKinds.DryNeedling, "CA-BC", "BC-77", new(2027, 3, 1), Now));

    [Fact]
    public void Refuses_an_unregistered_therapist() =>
        Given<Therapist>()
            .When(t => AddCredentialHandler.Decide(new(TherapistId, NewCredentialId, "dry-needling", "CA-BC", "BC-77", new(2027, 3, 1), Now), t))
            .ThenRejects(DomainErrorCodes.TherapistNotFound, "therapistId");

    [Fact]
    public void Refuses_a_credential_recorded_already() =>
        Given<Therapist>(TherapistHistory)
            .When(t => AddCredentialHandler.Decide(new(TherapistId, CredentialId, "dry-needling", "CA-BC", "BC-77", new(2027, 3, 1), Now), t))
            .ThenRejects(DomainErrorCodes.AlreadyExists, "credentialId");

    [Theory]
    [InlineData("", "CA-BC", "BC-77", "kind")]
    [InlineData("dry-needling", " ", "BC-77", "jurisdiction")]
    [InlineData("dry-needling", "CA-BC", "", "number")]
    public void Refuses_a_blank_field(string kind, string jurisdiction, string number, string field) =>
        Given<Therapist>(TherapistHistory)
            .When(t => AddCredentialHandler.Decide(new(TherapistId, NewCredentialId, kind, jurisdiction, number, new(2027, 3, 1), Now), t))
            .ThenRejects(DomainErrorCodes.InvalidValue, field);
}
