namespace Practice.Domain.Charting;

/// <summary>
/// The sensitive areas of the body as massage therapy regulators name them (the chest and breasts, the buttocks, the
/// upper inner thighs), by the muscles a trigger point is charted on there. Treating them needs the client's separate
/// written consent; a technique elsewhere in such an area is marked sensitive by the therapist.
/// </summary>
public static class SensitiveAreas
{
    private static readonly HashSet<string> Muscles = new(StringComparer.OrdinalIgnoreCase)
    {
        "pectoralis major", "pectoralis minor",
        "gluteus maximus", "gluteus medius", "gluteus minimus", "piriformis",
        "adductor longus", "adductor brevis", "adductor magnus", "gracilis", "pectineus",
    };

    /// <summary>Whether the muscle, as charted (any case, any spacing), lies in a sensitive area.</summary>
    public static bool Includes(string muscle) =>
        Muscles.Contains(string.Join(' ', (muscle ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
}
