using Practice.Domain.Outcomes;
using Practice.Domain.Outcomes.DischargingClient;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Outcomes.Care;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Outcomes;

public sealed class DischargingClientTests
{
    private static Func<ClientCare, Decision> Discharge(string reason = "Goals met") =>
        care => DischargeClientHandler.Decide(new(ClientId, PlanId, reason, Now), care);

    [Fact]
    public void Discharges_the_client_from_the_plan() =>
        Given<ClientCare>(PlanCreated)
            .When(Discharge())
            .Then(new ClientDischarged(ClientId, PlanId, "Goals met", Now));

    [Fact]
    public void Refuses_an_unknown_plan() =>
        Given<ClientCare>()
            .When(Discharge())
            .ThenRejects(DomainErrorCodes.PlanNotFound, "planId");

    [Fact]
    public void Refuses_a_second_discharge() =>
        Given<ClientCare>(PlanCreated, new ClientDischarged(ClientId, PlanId, "Goals met", Now))
            .When(Discharge())
            .ThenRejects(DomainErrorCodes.StatusConflict);

    [Fact]
    public void Refuses_a_blank_reason() =>
        Given<ClientCare>(PlanCreated)
            .When(Discharge(" "))
            .ThenRejects(DomainErrorCodes.InvalidValue, "reason");
}
