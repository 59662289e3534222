using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Practice.ServiceDefaults;

/// <summary>
/// Request enums by one exact name (any case): the API's kebab-case name, or the C# member name. System.Text.Json's own string converter reads "a, b" as a|b even
/// for enums that are not flags, so a list item such as "anticoagulants, needle-phobia" would silently become
/// another value, or one that is not defined at all and fails every later read.
/// </summary>
internal sealed class ExactEnumNameConverter(JsonNamingPolicy naming) : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Names<>).MakeGenericType(typeToConvert), naming)!;

    private sealed class Names<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
    {
        private readonly FrozenDictionary<string, TEnum> _byName;
        private readonly FrozenDictionary<TEnum, string> _names;

        public Names(JsonNamingPolicy naming)
        {
            _names = Enum.GetValues<TEnum>().Distinct().ToFrozenDictionary(value => value, value => naming.ConvertName(value.ToString()));
            // The C# member name ("DeepTissue") is read too, as System.Text.Json's own converter did.
            var byName = new Dictionary<string, TEnum>(StringComparer.OrdinalIgnoreCase);
            foreach (var (value, name) in _names)
            {
                byName.TryAdd(name, value);
                byName.TryAdd(value.ToString(), value);
            }
            _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        }

        public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String ? Parse(reader.GetString()) : throw new JsonException();

        public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WriteStringValue(Name(value));

        public override TEnum ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Parse(reader.GetString());

        public override void WriteAsPropertyName(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
            writer.WritePropertyName(Name(value));

        // A parameterless JsonException gets System.Text.Json's "could not be converted" message with the path,
        // which the problem details turn into "'field' has the wrong type or format".
        private TEnum Parse(string? name) => name is not null && _byName.TryGetValue(name, out var value) ? value : throw new JsonException();

        private string Name(TEnum value) =>
            _names.TryGetValue(value, out var name) ? name : throw new JsonException($"{typeof(TEnum).Name} has no value {value}.");
    }
}
