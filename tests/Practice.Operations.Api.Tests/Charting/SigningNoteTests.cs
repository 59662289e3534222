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
    public async Task A_long_note_full_of_markup_and_accents_is_signed_and_kept_as_written()
    {
        var session = await api.CompleteSessionAsync();
        // A 200 KB body as a client sends it, unescaped; written with 6-byte escapes the event would be about 960 KB,
        // over the 512 KiB an event may be.
        var subjective = string.Concat(Enumerable.Repeat("<é>&", 40_000));

        await session.Therapist.PostRawAsync(session.Url("/note/sign"), $$"""{"subjective":"{{subjective}}","objective":"o","assessment":"a","plan":"p"}""")
            .ShouldBe(HttpStatusCode.OK);

        await using var stored = api.Store.OpenSession(session.Tenant);
        var signed = (await stored.FetchStreamAsync(Practice.Domain.Charting.TreatmentSession.StreamId(session.AppointmentId)))[^1];
        Assert.Contains(subjective, System.Text.Json.JsonSerializer.Serialize(signed.Data, api.Store.Options.Json), StringComparison.Ordinal);
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
