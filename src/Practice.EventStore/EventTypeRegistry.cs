using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Practice.EventStore;

/// <summary>
/// Maps stable event type names to CLR types, so renaming a class never orphans stored events.
/// Upcasters turn an old stored shape (by name) into the current one before it is deserialized.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly ConcurrentDictionary<string, Type> _typesByName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Type, string> _namesByType = new();
    private readonly ConcurrentDictionary<string, (string TargetName, Func<JsonObject, JsonObject> Transform)> _upcasters = new(StringComparer.Ordinal);

    public EventTypeRegistry Register<TEvent>(string name) => Register(typeof(TEvent), name);

    public EventTypeRegistry Register(Type type, string name)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_typesByName.TryGetValue(name, out var existing) && existing != type)
        {
            throw new ArgumentException($"Event type name '{name}' is already registered for {existing.FullName}.", nameof(name));
        }
        if (_namesByType.TryGetValue(type, out var existingName) && existingName != name)
        {
            throw new ArgumentException($"{type.FullName} is already registered as '{existingName}'.", nameof(type));
        }
        _typesByName[name] = type;
        _namesByType[type] = name;
        return this;
    }

    /// <summary>Stored events named <paramref name="storedName"/> are read as <paramref name="targetName"/> after <paramref name="transform"/>.</summary>
    public EventTypeRegistry Upcast(string storedName, string targetName, Func<JsonObject, JsonObject> transform)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(storedName);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetName);
        ArgumentNullException.ThrowIfNull(transform);
        // A chain that led back to its start would send every read of these names into endless recursion.
        for (var next = targetName; ; next = _upcasters[next].TargetName)
        {
            if (next == storedName)
            {
                throw new ArgumentException($"Upcasting '{storedName}' to '{targetName}' would lead back to '{storedName}'.", nameof(targetName));
            }
            if (!_upcasters.ContainsKey(next))
            {
                break;
            }
        }
        _upcasters[storedName] = (targetName, transform);
        return this;
    }

    public string NameOf(Type type) =>
        _namesByType.TryGetValue(type, out var name) ? name : throw new UnregisteredEventException(type);

    public bool IsKnown(string storedName) => _typesByName.ContainsKey(storedName) || _upcasters.ContainsKey(storedName);

    /// <summary>Every stored name read as one of <paramref name="currentNames"/>: those names and the older ones upcast to them.</summary>
    public IReadOnlySet<string> StoredNamesOf(IEnumerable<string> currentNames)
    {
        var wanted = currentNames.ToHashSet(StringComparer.Ordinal);
        return _typesByName.Keys.Concat(_upcasters.Keys).Where(name => wanted.Contains(CurrentName(name))).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The name a stored event is read as, after any upcasters: what projections filter on.</summary>
    public string CurrentName(string storedName) =>
        _upcasters.TryGetValue(storedName, out var upcaster) ? CurrentName(upcaster.TargetName) : storedName;

    internal (Type Type, Func<JsonObject, JsonObject>? Transform) Resolve(string storedName)
    {
        if (_upcasters.TryGetValue(storedName, out var upcaster))
        {
            var (type, inner) = Resolve(upcaster.TargetName);
            return inner is null ? (type, upcaster.Transform) : (type, json => inner(upcaster.Transform(json)));
        }
        return _typesByName.TryGetValue(storedName, out var direct) ? (direct, null) : throw new UnknownEventTypeException(storedName);
    }
}
