using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Practice.EventStore.Projections;

namespace Practice.EventStore;

public sealed partial class StoreOptions
{
    private string _schema = "practice";

    public required string ConnectionString { get; init; }

    /// <summary>The PostgreSQL schema that holds the store's tables; one store, one schema.</summary>
    public string Schema
    {
        get => _schema;
        init => _schema = IdentifierPattern().IsMatch(value)
            ? value
            : throw new ArgumentException($"Schema name '{value}' must be a lower-case identifier.", nameof(value));
    }

    public EventTypeRegistry Events { get; } = new();

    public JsonSerializerOptions Json { get; } = CreateJsonOptions();

    /// <summary>An event whose JSON is larger is refused before anything is written.</summary>
    public int MaxEventBytes { get; init; } = 512 * 1024;

    /// <summary>A session whose metadata JSON is larger is refused before anything is written: it is copied onto every event.</summary>
    public int MaxMetadataBytes { get; init; } = 16 * 1024;

    /// <summary>
    /// A rebuild that cannot apply more events than this stops and leaves the live tables and dead letters as they
    /// were: a projection that broken is fixed first, and every failure it kept would wait in memory for the swap.
    /// </summary>
    public int RebuildMaxFailures { get; init; } = 10_000;

    internal List<IProjection> InlineProjections { get; } = [];
    internal List<IProjection> AsyncProjections { get; } = [];

    public IReadOnlyList<IProjection> Projections => [.. InlineProjections, .. AsyncProjections];

    /// <summary>Runs inside every append's transaction: the read model is never behind its events.</summary>
    public StoreOptions AddInlineProjection(IProjection projection)
    {
        EnsureUniqueName(projection);
        InlineProjections.Add(projection);
        return this;
    }

    /// <summary>Runs in the async daemon, in gap-free order, with its checkpoint in the same transaction.</summary>
    public StoreOptions AddAsyncProjection(IProjection projection)
    {
        EnsureUniqueName(projection);
        AsyncProjections.Add(projection);
        return this;
    }

    /// <remarks>
    /// Stored JSON is never embedded in HTML, so it is written unescaped: the default encoder would turn each of
    /// &lt;, &gt;, &amp; and every non-ASCII character into a six-byte escape and count it so against MaxEventBytes.
    /// </remarks>
    public static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }

    private void EnsureUniqueName(IProjection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        if (!IdentifierPattern().IsMatch(projection.Name))
        {
            throw new ArgumentException($"Projection name '{projection.Name}' must be a lower-case identifier.", nameof(projection));
        }
        if (Projections.Any(p => p.Name == projection.Name))
        {
            throw new ArgumentException($"A projection named '{projection.Name}' is already registered.", nameof(projection));
        }
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,40}$")]
    private static partial Regex IdentifierPattern();
}
