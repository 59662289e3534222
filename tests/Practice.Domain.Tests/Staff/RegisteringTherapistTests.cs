using Practice.Domain.Clinics;
using Practice.Domain.Staff;
using Practice.Domain.Staff.RegisteringTherapist;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Staff;

public sealed class RegisteringTherapistTests
{
    [Fact]
    public void Registers_a_therapist_at_existing_locations() =>
        Given<Therapist>()
            .When(t => RegisterTherapistHandler.Decide(new(TherapistId, "Ana Silva", [LocationId, LocationId], Now), t, [Downtown]))
            .Then(new TherapistRegistered(TherapistId, "Ana Silva", [LocationId], Now));

    [Fact]
    public void Refuses_a_second_registration() =>
        Given<Therapist>(TherapistHistory)
            .When(t => RegisterTherapistHandler.Decide(new(TherapistId, "Ana Silva", [LocationId], Now), t, [Downtown]))
            .ThenRejects(DomainErrorCodes.AlreadyExists, "therapistId");

    [Fact]
    public void Refuses_an_unknown_location() =>
        Given<Therapist>()
            .When(t => RegisterTherapistHandler.Decide(new(TherapistId, "Ana Silva", [LocationId, OtherLocationId], Now), t, [Downtown, Location.Initial]))
            .ThenRejects(DomainErrorCodes.LocationNotFound, "locationIds");

    [Fact]
    public void Refuses_a_therapist_without_a_location() =>
        Given<Therapist>()
            .When(t => RegisterTherapistHandler.Decide(new(TherapistId, "Ana Silva", [], Now), t, []))
            .ThenRejects(DomainErrorCodes.InvalidValue, "locationIds");

    [Fact]
    public void Refuses_a_blank_name() =>
        Given<Therapist>()
            .When(t => RegisterTherapistHandler.Decide(new(TherapistId, "", [LocationId], Now), t, [Downtown]))
            .ThenRejects(DomainErrorCodes.InvalidValue, "name");
}
