namespace Practice.Domain;

public static class LoincCodes
{
    // "Pain severity - 0-10 verbal numeric rating" (NPRS).
    public const string PainSeverity0To10 = "72514-3";
}
