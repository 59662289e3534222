using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Practice.ServiceDefaults;

/// <summary>
/// A point in time from a caller names its offset ("Z" or "+02:00"). System.Text.Json reads one without an
/// offset, or a bare date, in the server's own time zone, which would book a client at another hour than
/// the front desk meant.
/// </summary>
internal sealed partial class ExplicitOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var value) && EndsWithOffset().IsMatch(reader.GetString()!)
            ? value
            : throw new JsonException();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    [GeneratedRegex(@"(?:[Zz]|[+-][0-9]{2}:[0-9]{2})\z")]
    private static partial Regex EndsWithOffset();
}
