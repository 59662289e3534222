namespace Practice.Domain;

// The state of one stream, folded from its events. Initial is the state of a stream that does not exist yet.
public interface IState<TSelf> where TSelf : IState<TSelf>
{
    static abstract TSelf Initial { get; }

    static abstract string StreamType { get; }

    TSelf Apply(object @event);
}

// Marks every event record; DomainEvents.All must list exactly these types.
public interface IDomainEvent;

public static class State
{
    public static TState Fold<TState>(IEnumerable<object> events) where TState : IState<TState> =>
        events.Aggregate(TState.Initial, (state, @event) => state.Apply(@event));
}
