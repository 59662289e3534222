using System.Globalization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Practice.ServiceDefaults;

/// <summary>
/// A calendar date in a query string, written yyyy-MM-dd and nothing else. ASP.NET binds DateOnly with the
/// invariant culture, which reads 05/01/2026 as the first of May: another day than most of the world means.
/// </summary>
public readonly record struct IsoDate(DateOnly Value)
{
    public static bool TryParse(string? text, IFormatProvider? provider, out IsoDate date)
    {
        var parsed = DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value);
        date = new IsoDate(value);
        return parsed;
    }

    public override string ToString() => Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>OpenAPI sees a query type with TryParse as a plain string; this says it is a date, as a DateOnly would be.</summary>
    internal sealed class DescribedAsDate : IParameterFilter
    {
        public void Apply(IOpenApiParameter parameter, ParameterFilterContext context)
        {
            if (context.ApiParameterDescription?.Type == typeof(IsoDate) && parameter is OpenApiParameter described)
            {
                described.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" };
            }
        }
    }
}
