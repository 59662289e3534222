using Practice.Domain.Clients;
using Practice.Domain.Staff;

namespace Practice.Domain.Charting;

/// <summary>
/// Contraindications that warn rather than block: the session starts only once its therapist has acknowledged each
/// one the client has, having adapted the treatment (pressure, position, area). Dry needling's blocking ones are in
/// <see cref="ChartingRules"/>.
/// </summary>
public static class Cautions
{
    private static readonly Contraindication[] Everywhere = [Contraindication.Lymphedema, Contraindication.RecentSurgery];

    // Sustained deep pressure bruises a client who bleeds easily, and needs care in pregnancy.
    private static readonly Contraindication[] DeepPressure =
        [.. Everywhere, Contraindication.Anticoagulants, Contraindication.BleedingDisorder, Contraindication.Pregnancy];

    // Needling is invasive: infection risk, nickel in needles, and a faint or seizure under the needle.
    private static readonly Contraindication[] Needling =
        [.. Everywhere, Contraindication.Immunocompromised, Contraindication.MetalAllergy, Contraindication.Epilepsy, Contraindication.Pregnancy];

    public static IReadOnlyList<Contraindication> For(Modality modality) => modality switch
    {
        Modality.DryNeedling => Needling,
        Modality.TriggerPointTherapy or Modality.DeepTissue or Modality.MyofascialRelease or Modality.NeuromuscularTherapy => DeepPressure,
        _ => Everywhere,
    };

    /// <summary>As the API spells it (kebab-case), so a caller can send back what the refusal names.</summary>
    public static string Name(Contraindication contraindication) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(contraindication.ToString());

    /// <summary>Null when every caution <paramref name="needed"/> is among those the therapist sends; otherwise a refusal naming the rest.</summary>
    public static DomainError? Acknowledged(IReadOnlyList<Contraindication> needed, IReadOnlyList<Contraindication> acknowledged)
    {
        var missing = needed.Except(acknowledged).ToList();
        return missing.Count == 0 ? null : new(DomainErrorCodes.ContraindicationUnacknowledged,
            $"The client's intake calls for care in this modality: {string.Join(", ", missing.Select(Name))}. Acknowledge each to go on.",
            "acknowledgedContraindications");
    }

    /// <summary>The client's contraindications that call for care in this modality, in a stable order.</summary>
    public static IReadOnlyList<Contraindication> Of(Client client, Modality modality) =>
        [.. For(modality).Where(client.Contraindications.Contains).Order()];
}
