namespace Practice.Domain.Clinics.AddingRoom;

public sealed record AddRoom(Guid LocationId, Guid RoomId, string Name, DateTimeOffset Now);

public static class AddRoomHandler
{
    public static Decision Decide(AddRoom command, Location location)
    {
        if (!location.Exists)
        {
            return Decision.Reject(DomainErrorCodes.LocationNotFound, "The location does not exist.", "locationId");
        }

        if (location.RoomIds.Contains(command.RoomId))
        {
            return Decision.Reject(DomainErrorCodes.AlreadyExists, "The room exists already.", "roomId");
        }

        if (Validate.Required("name", command.Name) is { } error)
        {
            return error;
        }

        return Decision.Accept(new RoomAdded(command.LocationId, command.RoomId, command.Name.Trim(), command.Now));
    }
}
