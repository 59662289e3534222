namespace Practice.Domain.Scheduling;

internal static class Fees
{
    // The percentage charged and the waiver reason recorded; a waiver (e.g. illness) zeroes a fee that would apply.
    public static (int Percent, string? WaiverReason) Charge(bool applies, int percent, string? waiveFeeReason) =>
        !applies ? (0, null)
        : string.IsNullOrWhiteSpace(waiveFeeReason) ? (percent, null)
        : (0, waiveFeeReason.Trim());
}
