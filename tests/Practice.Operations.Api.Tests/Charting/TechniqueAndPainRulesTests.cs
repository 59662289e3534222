using System.Net;
using Practice.Operations.Api.Tests.Infrastructure;

namespace Practice.Operations.Api.Tests.Charting;

public sealed class TechniqueAndPainRulesTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private static object Technique(string modality = "deep-tissue", int pressure = 3, int seconds = 60) =>
        new { modality, technique = "stripping", pressure, seconds };

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public async Task Pressure_just_outside_1_to_5_is_refused_naming_pressure(int pressure)
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/techniques"), Technique(pressure: pressure))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "pressure", "out-of-range");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public async Task Pressure_at_either_end_of_the_scale_is_accepted(int pressure)
    {
        // The bounds are inclusive: the refusals above are off by exactly one.
        var session = await api.StartSessionAsync();

        await session.Therapist.PostJsonAsync(session.Url("/techniques"), Technique(pressure: pressure)).ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    public async Task A_technique_without_positive_seconds_is_refused_naming_seconds(int seconds)
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/techniques"), Technique(seconds: seconds))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "seconds", "out-of-range");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_technique_held_longer_than_the_longest_appointment_is_refused_naming_seconds()
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/techniques"), Technique(seconds: 12 * 3600 + 1))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "seconds", "out-of-range");
        Assert.Equal(before, await api.CountEventsAsync());

        await session.Therapist.PostJsonAsync(session.Url("/techniques"), Technique(seconds: 12 * 3600)).ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(4.5)]
    [InlineData(2000.1)]
    public async Task A_pressure_pain_threshold_no_algometer_reads_in_kpa_is_refused(double kpa)
    {
        // 4.5 is a reading in kgf/cm2 (441 kPa) typed into the kPa field.
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/trigger-points"), TriggerPoint((decimal)kpa))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "pressurePainThresholdKpa", "out-of-range");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2000)]
    public async Task A_pressure_pain_threshold_at_either_end_of_the_kpa_range_is_accepted(double kpa)
    {
        var session = await api.StartSessionAsync();

        await session.Therapist.PostJsonAsync(session.Url("/trigger-points"), TriggerPoint((decimal)kpa)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_pressure_adjustment_to_the_same_pressure_is_refused_naming_to()
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/pressure-adjustments"), new { from = 3, to = 3 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "to", "invalid-value");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    private static object TriggerPoint(decimal kpa) => new
    {
        muscle = "upper trapezius", side = "left", activity = "active", tautBand = true, localTwitchResponse = false,
        referredPainRegion = "temple", pressurePainThresholdKpa = kpa,
    };

    [Fact]
    public async Task Pain_below_0_is_refused_naming_the_score_and_0_is_accepted()
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/pain"), new { phase = "before", score = -1 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "score", "out-of-range");
        Assert.Equal(before, await api.CountEventsAsync());

        // No pain at all is a valid score.
        await session.Therapist.PostJsonAsync(session.Url("/pain"), new { phase = "before", score = 0 }).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Pain_after_the_session_needs_the_score_before_it_to_be_measured_against()
    {
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/pain"), new { phase = "after", score = 3 })
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "phase", "invalid-value");
        Assert.Equal(before, await api.CountEventsAsync());

        await session.Therapist.PostJsonAsync(session.Url("/pain"), new { phase = "before", score = 6 }).ShouldBe(HttpStatusCode.OK);
        await session.Therapist.PostJsonAsync(session.Url("/pain"), new { phase = "after", score = 3 }).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_technique_in_a_modality_the_therapist_does_not_practise_is_refused()
    {
        // The arranged therapist practises deep tissue, trigger point therapy and dry needling, not Swedish.
        var session = await api.StartSessionAsync();
        var before = await api.CountEventsAsync();

        await session.Therapist.PostJsonAsync(session.Url("/techniques"), Technique(modality: "swedish"))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, "modality", "modality-not-practised");

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
