namespace Practice.Domain.Tests;

public sealed class DecisionTests
{
    private sealed record Happened(int N);

    [Fact]
    public void Per_stream_accept_merges_entries_for_one_stream_in_order_and_drops_empty_ones()
    {
        var decision = Decision.Accept(
            new StreamEvents("a-1", "a", [new Happened(1)]),
            new StreamEvents("b-1", "b", [new Happened(2)]),
            new StreamEvents("a-1", "a", [new Happened(3)]),
            new StreamEvents("c-1", "c", []));

        Assert.Equal(["a-1", "b-1"], decision.Streams.Select(s => s.StreamId));
        Assert.Equal([new Happened(1), new Happened(3)], decision.Streams[0].Events);
        Assert.Equal([new Happened(1), new Happened(3), new Happened(2)], decision.Events);
        Assert.True(decision.IsMultiStream);
    }

    [Fact]
    public void Single_stream_accept_has_no_stream_routing()
    {
        var decision = Decision.Accept(new Happened(1));

        Assert.True(decision.IsSuccess);
        Assert.False(decision.IsMultiStream);
        Assert.Equal([new Happened(1)], decision.Events);
    }

    [Fact]
    public void A_domain_error_is_a_rejection()
    {
        Decision decision = new DomainError(DomainErrorCodes.InvalidValue, "bad", "name");

        Assert.False(decision.IsSuccess);
        Assert.Equal(new DomainError(DomainErrorCodes.InvalidValue, "bad", "name"), decision.Error);
        Assert.Empty(decision.Events);
    }
}
