using AgentMesh.TaskHub.Protocol;
using Google.Protobuf.WellKnownTypes;

namespace AgentMesh.TaskHub.Sqlite;

/// <summary>Reads an instance's row as the protocol's <see cref="WorkflowState"/>.</summary>
internal static class SqliteInstanceState
{
    /// <summary>The instance's metadata, or null when missing; payloads (input, output, custom status) only when <paramref name="includePayloads"/>.</summary>
    public static WorkflowState? Read(SqliteSession s, string instanceId, bool includePayloads)
    {
        using var reader = s.Query("""
            SELECT instance_id, execution_id, name, status, input, output, custom_status, failure_details, parent_instance_id,
                   created_at, last_updated_at, completed_at, scheduled_start_at
            FROM instances WHERE instance_id = $id
            """, ("$id", instanceId));
        if (!reader.Read())
            return null;
        var state = new WorkflowState
        {
            InstanceId = reader.GetString(0),
            ExecutionId = reader.GetString(1),
            Name = reader.GetString(2),
            WorkflowStatus = (OrchestrationStatus)reader.GetInt64(3),
            ParentInstanceId = reader.NullableString(8),
            CreatedTimestamp = ToTimestamp(reader.GetInt64(9)),
            LastUpdatedTimestamp = ToTimestamp(reader.GetInt64(10)),
            CompletedTimestamp = ToTimestamp(reader.NullableInt64(11)),
            ScheduledStartTimestamp = ToTimestamp(reader.NullableInt64(12)),
        };
        if (reader.NullableBlob(7) is { } failure)
            state.FailureDetails = TaskFailureDetails.Parser.ParseFrom(failure);
        if (includePayloads)
        {
            state.Input = reader.NullableString(4);
            state.Output = reader.NullableString(5);
            state.CustomStatus = reader.NullableString(6);
        }
        return state;
    }

    private static Timestamp? ToTimestamp(long? unixMs) =>
        unixMs is { } ms ? Timestamp.FromDateTimeOffset(DateTimeOffset.FromUnixTimeMilliseconds(ms)) : null;
}
