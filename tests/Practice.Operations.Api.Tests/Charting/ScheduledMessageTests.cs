using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Practice.Messaging;
using Practice.Operations.Api.Charting;
using Practice.Operations.Api.Tests.Infrastructure;

namespace Practice.Operations.Api.Tests.Charting;

/// <summary>
/// The runner under test reads a clock of its own, far ahead of the API's: the API's own runner, on the API's
/// clock, finds none of these messages due and keeps out of the way.
/// </summary>
public sealed class ScheduledMessageTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private const string Exploding = "exploding";

    private ScheduledMessageRunner Runner(TimeSpan? later = null) => new(
        api.Services.GetRequiredService<CommandBus>(),
        new Dictionary<string, ScheduledCommandFactory>
        {
            [NoteDeadlines.MessageType] = NoteDeadlines.CreateCommand,
            [Exploding] = (_, _) => throw new NotSupportedException("This message cannot be turned into a command."),
        },
        new TestClock(api.Clock.GetUtcNow().AddDays(30) + (later ?? TimeSpan.Zero)),
        NullLogger<ScheduledMessageRunner>.Instance);

    private async Task<Guid> ScheduleAsync(string tenant, string type, DateTimeOffset dueAt)
    {
        var id = Guid.NewGuid();
        await using var command = api.Store.DataSource.CreateCommand(ScheduledMessageRunner.ScheduleSql(api.Schema));
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(tenant);
        command.Parameters.AddWithValue(type);
        command.Parameters.AddWithValue("{}");
        command.Parameters.AddWithValue(dueAt);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    private async Task<(int Attempts, string? Error, bool Done, DateTimeOffset DueAt)> MessageAsync(Guid id)
    {
        await using var command = api.Store.DataSource.CreateCommand(
            $"SELECT attempts, last_error, done_at IS NOT NULL, due_at FROM {api.Schema}.scheduled_messages WHERE id = $1");
        command.Parameters.AddWithValue(id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2), reader.GetFieldValue<DateTimeOffset>(3));
    }

    private async Task<Guid> NoteMessageAsync(StartedSession session)
    {
        await using var command = api.Store.DataSource.CreateCommand(
            $"SELECT id FROM {api.Schema}.scheduled_messages WHERE tenant_id = $1 AND message_type = $2 AND payload ->> 'appointmentId' = $3");
        command.Parameters.AddWithValue(session.Tenant);
        command.Parameters.AddWithValue(NoteDeadlines.MessageType);
        command.Parameters.AddWithValue(session.AppointmentId.ToString());
        return (Guid)(await command.ExecuteScalarAsync())!;
    }

    private async Task<bool> FlaggedAsync(StartedSession session) =>
        (await api.GetSessionAsync(session)).GetProperty("noteFlaggedOverdue").GetBoolean();

    [Fact]
    public async Task A_message_whose_command_throws_fails_alone_and_the_message_behind_it_still_runs()
    {
        var session = await api.CompleteSessionAsync();
        var exploding = await ScheduleAsync(session.Tenant, Exploding, api.Clock.GetUtcNow().AddHours(1));

        await Runner().RunDueAsync();

        Assert.True(await FlaggedAsync(session));
        var failed = await MessageAsync(exploding);
        Assert.Equal((1, "This message cannot be turned into a command.", false), (failed.Attempts, failed.Error, failed.Done));
        Assert.True(failed.DueAt > api.Clock.GetUtcNow().AddDays(30), "A failed message is retried later, not at once.");
        var ran = await MessageAsync(await NoteMessageAsync(session));
        Assert.Equal((1, (string?)null, true), (ran.Attempts, ran.Error, ran.Done));
    }

    // In a rolling deploy, a newer release schedules a type the older runners do not know yet.
    [Fact]
    public async Task A_message_of_a_type_this_runner_does_not_know_is_left_for_another_without_costing_an_attempt()
    {
        var tenant = $"newer-type-{Guid.NewGuid():N}";
        var unknown = await ScheduleAsync(tenant, "from-a-newer-release", api.Clock.GetUtcNow().AddHours(1));

        for (var run = 1; run <= ScheduledMessageRunner.MaxAttempts + 1; run++)
        {
            await Runner(TimeSpan.FromHours(run)).RunDueAsync();
        }

        var left = await MessageAsync(unknown);
        Assert.Equal((0, false), (left.Attempts, left.Done));
        Assert.Contains("from-a-newer-release", left.Error, StringComparison.Ordinal);
        Assert.Equal(api.Clock.GetUtcNow().AddHours(1), left.DueAt);
        Assert.Equal(0, await ScheduledMessageRunner.CountGivenUpAsync(api.Store.DataSource, api.Schema, tenant));
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_given_up_after_five_attempts_and_counted()
    {
        var tenant = $"given-up-{Guid.NewGuid():N}";
        var exploding = await ScheduleAsync(tenant, Exploding, api.Clock.GetUtcNow().AddHours(1));

        for (var attempt = 1; attempt <= ScheduledMessageRunner.MaxAttempts; attempt++)
        {
            Assert.Equal(0, await ScheduledMessageRunner.CountGivenUpAsync(api.Store.DataSource, api.Schema, tenant));
            // Each retry waits longer (30 s, then 2, 8 and 32 minutes); an hour later is past every one of them.
            await Runner(TimeSpan.FromHours(attempt)).RunDueAsync();
        }

        var failed = await MessageAsync(exploding);
        Assert.Equal((ScheduledMessageRunner.MaxAttempts, true), (failed.Attempts, failed.Done));
        Assert.Equal(1, await ScheduledMessageRunner.CountGivenUpAsync(api.Store.DataSource, api.Schema, tenant));
        await Runner(TimeSpan.FromDays(1)).RunDueAsync();
        Assert.Equal(ScheduledMessageRunner.MaxAttempts, (await MessageAsync(exploding)).Attempts);
    }

    [Fact]
    public async Task A_message_claimed_by_a_runner_that_died_runs_once_its_lease_ends_and_not_before()
    {
        var session = await api.CompleteSessionAsync();
        var message = await NoteMessageAsync(session);
        await using var claim = api.Store.DataSource.CreateCommand(
            $"UPDATE {api.Schema}.scheduled_messages SET claimed_by = $2, claimed_until = now() + $3 WHERE id = $1");
        claim.Parameters.AddWithValue(message);
        claim.Parameters.AddWithValue(Guid.NewGuid());
        claim.Parameters.AddWithValue(TimeSpan.FromMinutes(1));
        await claim.ExecuteNonQueryAsync();

        await Runner().RunDueAsync();
        Assert.False(await FlaggedAsync(session));
        Assert.False((await MessageAsync(message)).Done);

        claim.Parameters[2].Value = TimeSpan.FromSeconds(-1);
        await claim.ExecuteNonQueryAsync();
        await Runner().RunDueAsync();
        Assert.True(await FlaggedAsync(session));
        Assert.True((await MessageAsync(message)).Done);
    }

    [Fact]
    public async Task A_run_whose_claim_was_taken_over_while_it_ran_commits_nothing()
    {
        var session = await api.CompleteSessionAsync();
        var message = await NoteMessageAsync(session);

        await using var hold = await AppendHold.TakeAsync(api);
        var run = Runner().RunDueAsync();
        await hold.WaitForStalledAsync(1);
        var otherRunner = Guid.NewGuid();
        await using (var takeOver = api.Store.DataSource.CreateCommand($"UPDATE {api.Schema}.scheduled_messages SET claimed_by = $2 WHERE id = $1"))
        {
            takeOver.Parameters.AddWithValue(message);
            takeOver.Parameters.AddWithValue(otherRunner);
            Assert.Equal(1, await takeOver.ExecuteNonQueryAsync());
        }
        await hold.DisposeAsync();

        await run;
        Assert.False(await FlaggedAsync(session));
        var untouched = await MessageAsync(message);
        Assert.Equal((0, false), (untouched.Attempts, untouched.Done));
    }
}
