using Microsoft.Extensions.DependencyInjection;
using Practice.Messaging;
using Practice.Operations.Api.Tests.Infrastructure;

namespace Practice.Operations.Api.Tests.Charting;

public sealed class OverdueNoteTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task An_unsigned_note_is_flagged_overdue_once_72_hours_pass()
    {
        var session = await api.CompleteSessionAsync();
        var runner = api.Services.GetRequiredService<ScheduledMessageRunner>();

        // Before the deadline the check is not due: nothing is flagged.
        api.Clock.Advance(TimeSpan.FromHours(71));
        await runner.RunDueAsync();
        Assert.False((await api.GetSessionAsync(session)).GetProperty("noteFlaggedOverdue").GetBoolean());

        api.Clock.Advance(TimeSpan.FromHours(2));
        await runner.RunDueAsync();

        Assert.True((await api.GetSessionAsync(session)).GetProperty("noteFlaggedOverdue").GetBoolean());
    }
}
