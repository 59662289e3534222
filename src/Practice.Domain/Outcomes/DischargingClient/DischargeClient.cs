namespace Practice.Domain.Outcomes.DischargingClient;

// Ends the episode of care a treatment plan describes.
public sealed record DischargeClient(Guid ClientId, Guid PlanId, string Reason, DateTimeOffset Now);

public static class DischargeClientHandler
{
    public static Decision Decide(DischargeClient command, ClientCare care)
    {
        if (!care.Plans.TryGetValue(command.PlanId, out var plan))
        {
            return Decision.Reject(DomainErrorCodes.PlanNotFound, "No such treatment plan for this client.", "planId");
        }

        if (plan.Discharged)
        {
            return Decision.Reject(DomainErrorCodes.StatusConflict, "The client is discharged from this plan already.");
        }

        if (Validate.Required("reason", command.Reason) is { } error)
        {
            return error;
        }

        return Decision.Accept(new ClientDischarged(command.ClientId, command.PlanId, command.Reason.Trim(), command.Now));
    }
}
