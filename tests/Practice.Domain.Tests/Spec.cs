using System.Text.Json;
using System.Text.Json.Serialization;

namespace Practice.Domain.Tests;

// Given events, when a command is decided, then these events (or this error).
public static class Spec
{
    public static Given<TState> Given<TState>(params object[] events) where TState : IState<TState> => new(State.Fold<TState>(events));

    public static TState Build<TState>(params object[] events) where TState : IState<TState> => State.Fold<TState>(events);
}

public sealed class Given<TState>(TState state) where TState : IState<TState>
{
    public Outcome When(Func<TState, Decision> decide) => new(decide(state));
}

public sealed class Outcome(Decision decision)
{
    // Events carry lists, which records compare by reference; JSON compares them by content.
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public Decision Decision => decision;

    // Every event of the decision, all streams together, in order.
    public void Then(params object[] expected)
    {
        Assert.True(decision.IsSuccess, $"Rejected: {decision.Error}");
        Assert.Equal(Describe(expected), Describe(decision.Events));
    }

    public void ThenNothing() => Then();

    public void ThenStreams(params StreamEvents[] expected)
    {
        Assert.True(decision.IsSuccess, $"Rejected: {decision.Error}");
        Assert.Equal(expected.Select(Describe), decision.Streams.Select(Describe));
    }

    public void ThenRejects(string code, string? field = null)
    {
        Assert.False(decision.IsSuccess, "Accepted, expected " + code);
        Assert.Equal(code, decision.Error!.Code);
        Assert.Empty(decision.Events);
        if (field is not null)
        {
            Assert.Equal(field, decision.Error.Field);
        }
    }

    private static string Describe(StreamEvents stream) =>
        $"{stream.StreamId} ({stream.StreamType}): {string.Join(", ", Describe(stream.Events))}";

    private static List<string> Describe(IEnumerable<object> events) =>
        events.Select(e => $"{e.GetType().Name} {JsonSerializer.Serialize(e, e.GetType(), Json)}").ToList();
}
