using Practice.Domain.Clinics;
using Practice.Domain.Clinics.RegisteringOrganisation;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Clinics;

public sealed class RegisteringOrganisationTests
{
    [Fact]
    public void Registers_an_organisation() =>
        Given<Organisation>()
            .When(o => RegisterOrganisationHandler.Decide(new(OrganisationId, " Bodyworks ", Now), o))
            .Then(new OrganisationRegistered(OrganisationId, "Bodyworks", Now));

    [Fact]
    public void Refuses_a_second_registration() =>
        Given<Organisation>(BodyworksRegistered)
            .When(o => RegisterOrganisationHandler.Decide(new(OrganisationId, "Bodyworks", Now), o))
            .ThenRejects(DomainErrorCodes.AlreadyExists, "organisationId");

    [Fact]
    public void Refuses_a_blank_name() =>
        Given<Organisation>()
            .When(o => RegisterOrganisationHandler.Decide(new(OrganisationId, " ", Now), o))
            .ThenRejects(DomainErrorCodes.InvalidValue, "name");
}
