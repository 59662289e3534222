using Practice.EventStore;
using Practice.Projections;

namespace Practice.Operations.Api;

/// <summary>The store as the Operations API uses it: every domain event type and the operational views.</summary>
public static class OperationsStore
{
    public static void Configure(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        PracticeEventTypes.Register(options.Events);
        options.AddInlineProjection(new Charting.NoteDeadlines());
        foreach (var projection in PracticeProjections.All)
        {
            options.AddAsyncProjection(projection);
        }
    }
}
