using Google.Protobuf;
using Google.Protobuf.Reflection;
using Ours = AgentMesh.TaskHub.Protocol;
using Theirs = Dapr.DurableTask.Protobuf;

namespace AgentMesh.Tests.TaskHub;

/// <summary>
/// protos/dapr/durabletask/*.proto against the descriptors Dapr.Workflow 1.19.1 (Dapr.Workflow.Grpc)
/// was compiled with: every enum value, message, field (name, number, type, label, oneof, proto3
/// optional) and service method is the same, so the hub and the SDK read each other's bytes.
/// </summary>
public sealed class ProtocolDescriptorTests
{
    public static TheoryData<string> Files => new()
    {
        "orchestration.proto", "attestation.proto", "history_events.proto", "orchestrator_actions.proto", "orchestrator_service.proto",
    };

    private static readonly IReadOnlyDictionary<string, FileDescriptor> OurFiles = new[]
    {
        Ours.OrchestrationReflection.Descriptor, Ours.AttestationReflection.Descriptor, Ours.HistoryEventsReflection.Descriptor,
        Ours.OrchestratorActionsReflection.Descriptor, Ours.OrchestratorServiceReflection.Descriptor,
    }.ToDictionary(f => f.Name);

    private static readonly IReadOnlyDictionary<string, FileDescriptor> TheirFiles = new[]
    {
        Theirs.OrchestrationReflection.Descriptor, Theirs.AttestationReflection.Descriptor, Theirs.HistoryEventsReflection.Descriptor,
        Theirs.OrchestratorActionsReflection.Descriptor, Theirs.OrchestratorServiceReflection.Descriptor,
    }.ToDictionary(f => f.Name);

    [Theory]
    [MemberData(nameof(Files))]
    public void Our_file_matches_the_SDKs_field_by_field(string file)
    {
        Assert.Equal(Describe(TheirFiles[file]), Describe(OurFiles[file]));
    }

    [Fact]
    public void A_history_event_written_by_the_hub_reads_the_same_in_the_SDK()
    {
        var ours = new Ours.HistoryEvent
        {
            EventId = 7,
            TimerCreated = new Ours.TimerCreatedEvent { FireAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UnixEpoch), Name = "t", ExternalEvent = new Ours.TimerOriginExternalEvent { Name = "approval" } },
        };
        var theirs = Theirs.HistoryEvent.Parser.ParseFrom(ours.ToByteArray());
        Assert.Equal(("t", "approval", 7), (theirs.TimerCreated.Name, theirs.TimerCreated.ExternalEvent.Name, theirs.EventId));
    }

    /// <summary>One line per element of the file, in a stable order.</summary>
    private static List<string> Describe(FileDescriptor file)
    {
        var lines = new List<string> { $"package {file.Package}", $"imports {string.Join(",", file.Dependencies.Select(d => d.Name))}" };
        foreach (var e in file.EnumTypes)
            lines.AddRange(DescribeEnum(e));
        foreach (var m in file.MessageTypes)
            lines.AddRange(DescribeMessage(m));
        foreach (var s in file.Services)
            lines.AddRange(s.Methods.Select(m => $"rpc {s.FullName}.{m.Name}({m.InputType.FullName}) -> {(m.IsServerStreaming ? "stream " : "")}{m.OutputType.FullName}"));
        return lines;
    }

    private static IEnumerable<string> DescribeEnum(EnumDescriptor e) => e.Values.Select(v => $"enum {e.FullName}.{v.Name} = {v.Number}");

    private static IEnumerable<string> DescribeMessage(MessageDescriptor m)
    {
        foreach (var f in m.Fields.InDeclarationOrder())
        {
            var type = f.FieldType switch
            {
                FieldType.Message => f.MessageType.FullName,
                FieldType.Enum => f.EnumType.FullName,
                _ => f.FieldType.ToString(),
            };
            var oneof = f.RealContainingOneof is { } o ? $" oneof {o.Name}" : "";
            yield return $"field {m.FullName}.{f.Name} = {f.FieldNumber} {type}{(f.IsRepeated ? " repeated" : "")}{(f.IsMap ? " map" : "")}{(f.HasPresence ? " presence" : "")}{oneof}";
        }

        foreach (var e in m.EnumTypes)
            foreach (var line in DescribeEnum(e))
                yield return line;
        foreach (var nested in m.NestedTypes)
            foreach (var line in DescribeMessage(nested))
                yield return line;
    }
}
