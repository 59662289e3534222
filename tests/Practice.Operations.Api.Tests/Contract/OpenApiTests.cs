using System.Net;
using Practice.Operations.Api.Tests.Infrastructure;

namespace Practice.Operations.Api.Tests.Contract;

public sealed class OpenApiTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    [Fact]
    public async Task Enums_are_described_by_the_names_the_api_reads_and_writes()
    {
        var document = await (await api.CreateClient().GetAsync("/swagger/v1/swagger.json").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();

        var modality = document.GetProperty("components").GetProperty("schemas").GetProperty("Practice.Domain.Staff.Modality");
        Assert.Equal("string", modality.GetProperty("type").GetString());
        Assert.Contains("deep-tissue", modality.GetProperty("enum").EnumerateArray().Select(value => value.GetString()));
    }

    [Fact]
    public async Task Query_dates_are_described_as_dates()
    {
        var document = await (await api.CreateClient().GetAsync("/swagger/v1/swagger.json").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();

        var schedule = document.GetProperty("paths").GetProperty("/api/locations/{locationId}/schedule").GetProperty("get");
        var date = Assert.Single(schedule.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "date");
        Assert.Equal(("string", "date"), (date.GetProperty("schema").GetProperty("type").GetString(), date.GetProperty("schema").GetProperty("format").GetString()));
    }
}
