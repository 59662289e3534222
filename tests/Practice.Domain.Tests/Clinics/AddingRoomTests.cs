using Practice.Domain.Clinics;
using Practice.Domain.Clinics.AddingRoom;
using static Practice.Domain.Tests.Clinic;
using static Practice.Domain.Tests.Spec;

namespace Practice.Domain.Tests.Clinics;

public sealed class AddingRoomTests
{
    [Fact]
    public void Adds_a_room() =>
        Given<Location>(LocationHistory)
            .When(l => AddRoomHandler.Decide(new(LocationId, OtherRoomId, "Room 2", Now), l))
            .Then(new RoomAdded(LocationId, OtherRoomId, "Room 2", Now));

    [Fact]
    public void Refuses_a_room_of_an_unknown_location() =>
        Given<Location>()
            .When(l => AddRoomHandler.Decide(new(LocationId, OtherRoomId, "Room 2", Now), l))
            .ThenRejects(DomainErrorCodes.LocationNotFound, "locationId");

    [Fact]
    public void Refuses_an_existing_room() =>
        Given<Location>(LocationHistory)
            .When(l => AddRoomHandler.Decide(new(LocationId, RoomId, "Room 1", Now), l))
            .ThenRejects(DomainErrorCodes.AlreadyExists, "roomId");

    [Fact]
    public void Refuses_a_blank_name() =>
        Given<Location>(LocationHistory)
            .When(l => AddRoomHandler.Decide(new(LocationId, OtherRoomId, " ", Now), l))
            .ThenRejects(DomainErrorCodes.InvalidValue, "name");
}
