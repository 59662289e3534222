using Practice.Domain.Staff;
using Practice.Domain.Staff.SettingModalities;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Staff;

public sealed class SettingModalitiesTests
{
    [Fact]
    public void Sets_the_modalities_once_each_in_order() =>
        Given<Therapist>(TherapistHistory)
            .When(t => SetModalitiesHandler.Decide(new(TherapistId, [Modality.DryNeedling, Modality.Swedish, Modality.DryNeedling], Now), t))
            .Then(new TherapistModalitiesSet(TherapistId, [Modality.Swedish, Modality.DryNeedling], Now));

    [Fact]
    public void Refuses_an_unregistered_therapist() =>
        Given<Therapist>()
            .When(t => SetModalitiesHandler.Decide(new(TherapistId, [Modality.Swedish], Now), t))
            .ThenRejects(DomainErrorCodes.TherapistNotFound, "therapistId");
}
