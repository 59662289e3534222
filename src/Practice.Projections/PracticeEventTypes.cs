using Practice.Domain;
using Practice.EventStore;

namespace Practice.Projections;

/// <summary>Registers every domain event under its stable name; every host and test uses this one list.</summary>
public static class PracticeEventTypes
{
    public static void Register(EventTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var (name, type) in DomainEvents.All)
        {
            registry.Register(type, name);
        }
    }
}
