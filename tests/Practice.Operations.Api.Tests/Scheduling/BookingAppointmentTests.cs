using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Practice.Operations.Api.Tests.Fixtures;
using Practice.Operations.Api.Tests.Infrastructure;
using Practice.ServiceDefaults;

namespace Practice.Operations.Api.Tests.Scheduling;

public sealed class BookingAppointmentTests(OperationsApi api) : IClassFixture<OperationsApi>
{
    private async Task<(string Tenant, Clinic Clinic, HttpClient FrontDesk)> ArrangeAsync()
    {
        api.Clock.Set(Bookings.Monday0600);
        var tenant = Bookings.NewTenant();
        var clinic = await api.ArrangeClinicAsync(tenant);
        return (tenant, clinic, api.As(tenant, Roles.FrontDesk));
    }

    [Fact]
    public async Task Booking_answers_201_with_location_and_etag_and_the_appointment_reads_back()
    {
        var (tenant, clinic, frontDesk) = await ArrangeAsync();

        var response = await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10))).ShouldBe(HttpStatusCode.Created);

        var id = (await response.ReadJsonAsync()).GetProperty("appointmentId").GetGuid();
        Assert.Equal($"/api/appointments/{id}", response.Headers.Location?.OriginalString);
        Assert.NotNull(response.Headers.ETag);
        var appointment = await (await api.As(tenant, Roles.Manager).GetAsync($"/api/appointments/{id}").ShouldBe(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.Equal("booked", appointment.GetProperty("status").GetString());
        Assert.Equal(clinic.TherapistId, appointment.GetProperty("therapistId").GetGuid());
    }

    [Fact]
    public async Task Therapist_overlapping_the_buffer_after_a_session_is_a_double_booking()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10))).ShouldBe(HttpStatusCode.Created);
        var before = await api.CountEventsAsync();

        // 11:10 is after the 10:00-11:00 session but inside its 15-minute buffer; another room, so only the therapist clashes.
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(11, 10), clinic.OtherRoomId))
            .ShouldBeProblem(HttpStatusCode.Conflict, "therapistId", "double-booking");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_therapist_in_a_taken_room_is_a_room_double_booking()
    {
        var (tenant, clinic, frontDesk) = await ArrangeAsync();
        var manager = api.As(tenant, Roles.Manager);
        var other = (await (await manager.PostJsonAsync("/api/therapists", new { name = "Robin Other", locationIds = new[] { clinic.LocationId } })
            .ShouldBe(HttpStatusCode.Created)).ReadJsonAsync()).GetProperty("therapistId").GetGuid();
        await manager.PutAsJsonAsync($"/api/therapists/{other}/modalities", new { modalities = new[] { "deep-tissue" } }, OperationsApi.Json).ShouldBe(HttpStatusCode.OK);
        await manager.PutAsJsonAsync($"/api/therapists/{other}/working-hours", new { hours = ClinicArrangement.EveryDay() }, OperationsApi.Json).ShouldBe(HttpStatusCode.OK);
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10))).ShouldBe(HttpStatusCode.Created);
        var before = await api.CountEventsAsync();

        // The other therapist is free at 10:30, the room is not.
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic with { TherapistId = other }, api.Tomorrow(10, 30)))
            .ShouldBeProblem(HttpStatusCode.Conflict, "roomId", "double-booking");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Booking_right_after_the_buffer_is_accepted()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10))).ShouldBe(HttpStatusCode.Created);

        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(11, 15), clinic.OtherRoomId)).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Notice_shorter_than_two_hours_is_refused()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();
        var before = await api.CountEventsAsync();

        // The clock reads 06:00; 07:30 today is inside opening hours but only 90 minutes away.
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, Bookings.Monday0600.AddMinutes(90)))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "notice-too-short");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Outside_opening_hours_is_refused()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();
        var before = await api.CountEventsAsync();

        // 20:30 for an hour runs past the 21:00 closing.
        await frontDesk.PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(20, 30)))
            .ShouldBeProblem(HttpStatusCode.UnprocessableEntity, code: "outside-opening-hours");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Manager_may_book_but_a_therapist_may_not()
    {
        var (tenant, clinic, _) = await ArrangeAsync();
        var before = await api.CountEventsAsync();

        await api.As(tenant, Roles.Therapist, clinic.TherapistId).PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10)))
            .ShouldBe(HttpStatusCode.Forbidden);
        Assert.Equal(before, await api.CountEventsAsync());

        await api.As(tenant, Roles.Manager).PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10))).ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Without_a_token_the_answer_is_401()
    {
        var (_, clinic, _) = await ArrangeAsync();
        var before = await api.CountEventsAsync();

        await api.CreateClient().PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10))).ShouldBe(HttpStatusCode.Unauthorized);

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Another_tenants_ids_are_not_found()
    {
        var (_, clinic, _) = await ArrangeAsync();
        var before = await api.CountEventsAsync();

        await api.As(Bookings.NewTenant(), Roles.FrontDesk).PostJsonAsync("/api/appointments", Bookings.Request(clinic, api.Tomorrow(10)))
            .ShouldBeProblem(HttpStatusCode.NotFound, code: "client-not-found");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task Malformed_json_is_a_400()
    {
        var (_, _, frontDesk) = await ArrangeAsync();
        var before = await api.CountEventsAsync();

        await frontDesk.PostRawAsync("/api/appointments", "{\"locationId\": ").ShouldBeProblem(HttpStatusCode.BadRequest);
        // No body at all: said in the API's words, without the handler's parameter names.
        var missing = await frontDesk.PostRawAsync("/api/appointments", "").ShouldBeProblem(HttpStatusCode.BadRequest, code: "malformed-json");
        Assert.Equal("This request needs a JSON body.", missing.GetProperty("detail").GetString());
        Assert.False(missing.TryGetProperty("errors", out _));

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Fact]
    public async Task A_wrongly_typed_field_is_a_400_naming_it()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();
        var before = await api.CountEventsAsync();
        var json = $$"""
            {"locationId":"{{clinic.LocationId}}","roomId":"{{clinic.RoomId}}","therapistId":"{{clinic.TherapistId}}","clientId":"{{clinic.ClientId}}",
             "modality":"deep-tissue","start":"{{api.Tomorrow(10):O}}","durationMinutes":"sixty"}
            """;

        await frontDesk.PostRawAsync("/api/appointments", json).ShouldBeProblem(HttpStatusCode.BadRequest, "durationMinutes");

        Assert.Equal(before, await api.CountEventsAsync());
    }

    [Theory]
    [InlineData("yyyy-MM-ddTHH:mm:ss")] // read in the server's time zone, it would book another hour than meant
    [InlineData("yyyy-MM-dd")]
    public async Task A_start_without_an_offset_is_a_400_naming_it(string format)
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();
        var before = await api.CountEventsAsync();
        string Body(string start) => $$"""
            {"locationId":"{{clinic.LocationId}}","roomId":"{{clinic.RoomId}}","therapistId":"{{clinic.TherapistId}}","clientId":"{{clinic.ClientId}}",
             "modality":"deep-tissue","start":"{{start}}","durationMinutes":60}
            """;

        await frontDesk.PostRawAsync("/api/appointments", Body(api.Tomorrow(10).ToString(format, CultureInfo.InvariantCulture)))
            .ShouldBeProblem(HttpStatusCode.BadRequest, "start");

        Assert.Equal(before, await api.CountEventsAsync());
        await frontDesk.PostRawAsync("/api/appointments", Body(api.Tomorrow(10).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture)))
            .ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_missing_field_is_a_400()
    {
        var (_, clinic, frontDesk) = await ArrangeAsync();
        var before = await api.CountEventsAsync();
        var json = $$"""
            {"locationId":"{{clinic.LocationId}}","roomId":"{{clinic.RoomId}}","therapistId":"{{clinic.TherapistId}}","clientId":"{{clinic.ClientId}}",
             "modality":"deep-tissue","start":"{{api.Tomorrow(10):O}}"}
            """;

        await frontDesk.PostRawAsync("/api/appointments", json).ShouldBeProblem(HttpStatusCode.BadRequest);

        Assert.Equal(before, await api.CountEventsAsync());
    }
}
