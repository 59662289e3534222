using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Infrastructure;

/// <summary>Shape checks the JSON binder cannot make (empty ids); the domain checks the rules.</summary>
public static class Validation
{
    public static IResult? RequireId(Guid id, string field) =>
        id == Guid.Empty ? Problems.Validation(field, $"'{field}' must be a non-empty id.") : null;

    public static IResult? RequireText(string? text, string field, int maxLength = 2000) =>
        string.IsNullOrWhiteSpace(text) ? Problems.Validation(field, $"'{field}' is required.")
        : text.Length > maxLength ? Problems.Validation(field, $"'{field}' is at most {maxLength} characters.")
        : null;
}
