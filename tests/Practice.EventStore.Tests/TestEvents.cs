using Practice.EventStore;

namespace Practice.EventStore.Tests;

public sealed record Opened(string Name);
public sealed record Deposited(decimal Amount);
public sealed record Renamed(string Name);

public sealed record Account(bool Exists, string Name, decimal Balance)
{
    public static readonly Account Initial = new(false, "", 0);

    public static Account Apply(Account state, object @event) => @event switch
    {
        Opened opened => state with { Exists = true, Name = opened.Name },
        Deposited deposited => state with { Balance = state.Balance + deposited.Amount },
        Renamed renamed => state with { Name = renamed.Name },
        _ => state,
    };
}

public static class TestEventTypes
{
    public static void Register(StoreOptions options)
    {
        options.Events.Register<Opened>("account-opened").Register<Deposited>("money-deposited").Register<Renamed>("account-renamed");
    }
}
