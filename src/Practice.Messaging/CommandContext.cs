using Practice.Domain;
using Practice.EventStore;

namespace Practice.Messaging;

/// <summary>
/// What a handler sees while deciding: it loads the streams it needs, and the decision commits only if every
/// loaded stream is still at the version it was made on: an append to one expects that version, and one only
/// read is expected unchanged.
/// </summary>
public sealed class CommandContext
{
    private readonly EventSession _session;
    private readonly Dictionary<string, long> _loadedVersions = new(StringComparer.Ordinal);

    internal CommandContext(EventSession session, string tenantId, string userId)
    {
        _session = session;
        TenantId = tenantId;
        UserId = userId;
    }

    public string TenantId { get; }
    public string UserId { get; }

    public async Task<TState> LoadAsync<TState>(string streamId, CancellationToken cancellationToken) where TState : IState<TState>
    {
        var (state, version) = await _session.AggregateStreamAsync(streamId, TState.Initial, static (s, e) => s.Apply(e), cancellationToken: cancellationToken);
        _loadedVersions[streamId] = version;
        return state;
    }

    /// <summary>
    /// The expected version of an append: the version the decision read, or "any" for a stream the
    /// decision never read (releasing a slot), since there is then no read to protect.
    /// </summary>
    internal IReadOnlyDictionary<string, long> ReadVersions => _loadedVersions;

    internal long VersionOf(string streamId) => _loadedVersions.TryGetValue(streamId, out var version) ? version : ExpectedVersion.Any;
}
