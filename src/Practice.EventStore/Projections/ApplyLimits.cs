namespace Practice.EventStore.Projections;

/// <summary>
/// The server's limits on applying events to a projection: a lock wait must end before a statement's limit, or it
/// would be taken for a slow event and set aside, and both well before the client's timeout (zero: none), which
/// cannot tell them apart. Zero <see cref="Statement"/>: none set, and the server's own setting stays in force.
/// </summary>
internal sealed record ApplyLimits(TimeSpan LockWait, TimeSpan Statement)
{
    private static readonly TimeSpan DefaultLockWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Unless given: a statement may run four fifths of the client's timeout, so that the server answers first, and
    /// a lock is waited for 5 s, or half the statement's limit if that is shorter. Limits out of order are refused.
    /// </summary>
    public static ApplyLimits For(TimeSpan clientTimeout, TimeSpan? statementTimeout = null, TimeSpan? lockTimeout = null)
    {
        var statement = statementTimeout ?? clientTimeout * 0.8;
        if (statement < TimeSpan.Zero || (statement > TimeSpan.Zero && statement < TimeSpan.FromMilliseconds(2))
            || (clientTimeout > TimeSpan.Zero && (statement == TimeSpan.Zero || statement > clientTimeout * 0.9)))
        {
            throw new ArgumentOutOfRangeException(nameof(statementTimeout), statementTimeout,
                $"A projection's statement timeout must be positive and at most nine tenths of the connection's Command Timeout ({clientTimeout.TotalSeconds:0} s).");
        }
        var lockWait = lockTimeout ?? (statement > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Min(DefaultLockWait.Ticks, statement.Ticks / 2)) : DefaultLockWait);
        if (lockWait < TimeSpan.FromMilliseconds(1) || (statement > TimeSpan.Zero && lockWait >= statement))
        {
            throw new ArgumentOutOfRangeException(nameof(lockTimeout), lockTimeout,
                $"A projection's lock timeout must be at least 1 ms and below its statement timeout ({statement.TotalMilliseconds:0} ms).");
        }
        return new ApplyLimits(lockWait, statement);
    }

    public bool LimitsStatements => Statement > TimeSpan.Zero;

    /// <summary>
    /// For a session that reads batches and applies them: its lock limit, and, where the apply sets its own statement
    /// limit, none for the rest, so that one set for the role or the database does not cut short a batch read over a
    /// slow link (Command Timeout still bounds it).
    /// </summary>
    public string SessionSql => LimitsStatements ? $"{LockWaitSql("SET")}; SET statement_timeout = 0" : LockWaitSql("SET");

    /// <summary>For the apply alone, within its transaction; null when no statement limit is set.</summary>
    public string? StatementSql => LimitsStatements ? Milliseconds("SET LOCAL statement_timeout", Statement) : null;

    /// <summary>Both limits, for the rest of one transaction.</summary>
    public string TransactionSql => LimitsStatements ? $"{LockWaitSql("SET LOCAL")}; {StatementSql}" : LockWaitSql("SET LOCAL");

    private string LockWaitSql(string set) => Milliseconds($"{set} lock_timeout", LockWait);

    private static string Milliseconds(string set, TimeSpan limit) => FormattableString.Invariant($"{set} = {(long)limit.TotalMilliseconds}");
}
