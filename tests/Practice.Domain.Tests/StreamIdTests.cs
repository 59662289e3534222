using Practice.Domain.Charting;
using Practice.Domain.Clients;
using Practice.Domain.Clinics;
using Practice.Domain.Outcomes;
using Practice.Domain.Scheduling;
using Practice.Domain.Staff;
using static Practice.Domain.Tests.Clinic;

namespace Practice.Domain.Tests;

// Stream ids are stored; other components build them with these helpers, so the format must not drift.
public sealed class StreamIdTests
{
    [Fact]
    public void Stream_ids_are_the_stream_type_then_the_lower_case_guid()
    {
        Assert.Equal("organisation-0a000000-0000-0000-0000-000000000001", Organisation.StreamId(OrganisationId));
        Assert.Equal("location-10000000-0000-0000-0000-000000000001", Location.StreamId(LocationId));
        Assert.Equal("therapist-30000000-0000-0000-0000-000000000001", Therapist.StreamId(TherapistId));
        Assert.Equal("client-40000000-0000-0000-0000-000000000001", Client.StreamId(ClientId));
        Assert.Equal("appointment-50000000-0000-0000-0000-000000000001", Appointment.StreamId(AppointmentId));
        Assert.Equal("treatment-session-50000000-0000-0000-0000-000000000001", TreatmentSession.StreamId(AppointmentId));
        Assert.Equal("client-care-40000000-0000-0000-0000-000000000001", ClientCare.StreamId(ClientId));
    }

    [Fact]
    public void Day_stream_ids_end_with_the_iso_date()
    {
        Assert.Equal("therapist-day-30000000-0000-0000-0000-000000000001-2026-01-13", TherapistDay.StreamId(TherapistId, Day));
        Assert.Equal("room-day-20000000-0000-0000-0000-000000000001-2026-01-13", RoomDay.StreamId(RoomId, Day));
    }
}
