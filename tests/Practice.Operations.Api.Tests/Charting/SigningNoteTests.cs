using System.Net;
using Practice.Operations.Api.Tests.Infrastructure;

namespace Practice.Operations.Api.Tests.Charting;

public sealed class SigningNoteTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task A_signed_note_is_never_signed_again_only_amended()
    {
        var session = await api.CompleteSessionAsync();
        await session.Therapist.PostJsonAsync(session.Url("/note/sign"), Sessions.Note()).ShouldBe(HttpStatusCode.OK);
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/note/sign"), Sessions.Note()).ShouldBeProblem(HttpStatusCode.Conflict, code: "note-already-signed");
        Assert.Equal(before, await api.CountEventsAsync());

        var amended = await (await session.Therapist.PostJsonAsync(session.Url("/note/amendments"), new { text = "Client called: headache eased." })
            .ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        var amendmentId = amended.GetProperty("amendmentId").GetGuid();
        var state = await api.GetSessionAsync(session);
        Assert.Contains(amendmentId, state.GetProperty("amendmentIds").EnumerateArray().Select(e => e.GetGuid()));
    }

    [Fact]
    public async Task A_note_is_not_signed_before_the_session_completes()
    {
        var session = await api.StartSessionAsync();

        await session.Therapist.PostJsonAsync(session.Url("/note/sign"), Sessions.Note())
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "session-not-completed");
    }

    [Fact]
    public async Task An_unsigned_note_is_not_amended()
    {
        var session = await api.CompleteSessionAsync();

        await session.Therapist.PostJsonAsync(session.Url("/note/amendments"), new { text = "late addition" })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "note-not-signed");
    }

    [Fact]
    public async Task A_blank_note_section_is_refused_naming_it()
    {
        var session = await api.CompleteSessionAsync();

        await session.Therapist.PostJsonAsync(session.Url("/note/sign"), new { subjective = "ok", objective = "ok", assessment = " ", plan = "ok" })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "assessment");
    }
}
