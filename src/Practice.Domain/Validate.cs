namespace Practice.Domain;

// Field checks shared by the deciders; each returns null when the value is acceptable.
internal static class Validate
{
    public static DomainError? Required(string field, string? value) =>
        string.IsNullOrWhiteSpace(value) ? new(DomainErrorCodes.InvalidValue, $"{field} is required.", field) : null;

    public static DomainError? InRange(string field, decimal value, decimal min, decimal max) =>
        value < min || value > max ? new(DomainErrorCodes.OutOfRange, $"{field} must be between {min} and {max}.", field) : null;

    public static DomainError? Positive(string field, decimal value) =>
        value <= 0 ? new(DomainErrorCodes.OutOfRange, $"{field} must be greater than zero.", field) : null;
}
