using System.Text.Json;
using Practice.Domain.Charting;
using Practice.EventStore;
using Practice.EventStore.Projections;
using Practice.Messaging;

namespace Practice.Operations.Api.Charting;

/// <summary>
/// Schedules the overdue-note check when a session completes, inline: the scheduled message commits
/// with the SessionCompleted event or not at all.
/// </summary>
public sealed class NoteDeadlines : IProjection
{
    public const string MessageType = "flag-overdue-note";

    public string Name => "note_deadlines";
    public IReadOnlyList<ProjectionTable> Tables => [];
    public IReadOnlySet<string> EventTypes { get; } = new HashSet<string> { "session-completed" };

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        await using var batch = context.CreateBatch();
        foreach (var stored in events)
        {
            var completed = (SessionCompleted)stored.Data;
            // The property is named as CreateCommand reads it (the default serializer would write "AppointmentId").
            var command = new Npgsql.NpgsqlBatchCommand(ScheduledMessageRunner.ScheduleSql(context.Schema));
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = stored.Id });
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = stored.TenantId });
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = MessageType });
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = JsonSerializer.Serialize(new { appointmentId = completed.AppointmentId }) });
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = completed.NoteDueBy });
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public static object CreateCommand(JsonElement payload, DateTimeOffset now) =>
        new Practice.Domain.Charting.FlaggingOverdueNote.FlagOverdueNote(payload.GetProperty("appointmentId").GetGuid(), now);
}
