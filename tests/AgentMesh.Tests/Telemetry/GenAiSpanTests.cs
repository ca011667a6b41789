using System.Diagnostics;
using System.Text.Json.Nodes;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Telemetry;
using AgentMesh.Tests.EndToEnd;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit.Abstractions;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.Telemetry;

/// <summary>
/// The spans of a whole run on the all-in-one host, per the OpenTelemetry GenAI semantic conventions, caught by an
/// in-memory exporter. The model is the scripted provider replaying a cassette: a stand-in, no model endpoint runs here;
/// the tools are the real probe MCP server.
/// </summary>
public sealed class GenAiSpanTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_run_is_one_trace_with_invoke_agent_spans_and_chat_and_execute_tool_spans_under_them_without_message_content()
    {
        Assert.NotEqual("true", Environment.GetEnvironmentVariable("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")?.ToLowerInvariant());
        var exported = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        string runId;
        await using (var session = await ProbeRun.StartAsync(
            new() { ["Telemetry:Enabled"] = "true" },
            o => o.ConfigureServices = s => s
                .ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported))
                .ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(metrics)),
            Cassettes.Planner(1, ProbeRun.Plan),
            Cassettes.ToolCalls("researcher", "a", 1, ("c1", "probe__sleep", new JsonObject { ["ms"] = 10 }), ("c2", "probe__fail", new JsonObject())),
            Cassettes.Answer("researcher", "a", 2, "seen")))
        {
            runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "a goal" })).RunId;
            var events = await RunObserver.WatchAsync(session.Client, runId);
            Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        }

        // Other tests' hosts in this process share the ActivitySource: only this run's spans count.
        Activity[] spans;
        lock (exported)
        {
            spans = exported.Where(a => Tag(a, GenAiAttributes.RunId) == runId).ToArray();
        }

        Activity[] trace;
        lock (exported)
        {
            trace = exported.Where(a => a.TraceId == spans[0].TraceId).ToArray();
        }

        foreach (var span in trace.OrderBy(s => s.StartTimeUtc))
        {
            output.WriteLine($"{span.TraceId} {span.SpanId} <- {span.ParentSpanId} {span.DisplayName} [{string.Join(", ", span.TagObjects.Select(t => $"{t.Key}={t.Value}"))}]");
        }

        // invoke_agent: one per step attempt (one step, one attempt).
        var agent = Assert.Single(spans, s => Tag(s, GenAiAttributes.OperationName) == "invoke_agent");
        Assert.Equal("invoke_agent researcher", agent.DisplayName);
        Assert.Equal(ActivityKind.Internal, agent.Kind);
        Assert.Equal(AgentMeshTelemetry.Name, agent.Source.Name);
        Assert.Equal("researcher", Tag(agent, GenAiAttributes.AgentName));
        Assert.Equal("a", Tag(agent, GenAiAttributes.StepId));
        Assert.NotEqual(ActivityStatusCode.Error, agent.Status);

        // chat: one per model turn, children of invoke_agent, with the cassette's usage (10 in, 5 out per turn).
        var chats = spans.Where(s => s.ParentSpanId == agent.SpanId && Tag(s, GenAiAttributes.OperationName) == "chat").ToArray();
        Assert.Equal(2, chats.Length);
        foreach (var chat in chats)
        {
            Assert.StartsWith("chat", chat.DisplayName);
            Assert.Equal(ActivityKind.Client, chat.Kind);
            Assert.Equal(agent.TraceId, chat.TraceId);
            Assert.Equal("scripted", Tag(chat, GenAiAttributes.ProviderName));
            Assert.Equal(10L, Convert.ToInt64(chat.GetTagItem(GenAiAttributes.UsageInputTokens)));
            Assert.Equal(5L, Convert.ToInt64(chat.GetTagItem(GenAiAttributes.UsageOutputTokens)));
            Assert.Equal("a", Tag(chat, GenAiAttributes.StepId));
        }

        // execute_tool: one per tool call, children of invoke_agent; the failing tool's span carries error.type.
        var tools = spans.Where(s => Tag(s, GenAiAttributes.OperationName) == "execute_tool").OrderBy(s => Tag(s, GenAiAttributes.ToolCallId)).ToArray();
        Assert.Equal(["c1", "c2"], tools.Select(s => Tag(s, GenAiAttributes.ToolCallId)));
        Assert.Equal(["execute_tool probe__sleep", "execute_tool probe__fail"], tools.Select(s => s.DisplayName));
        Assert.Equal(["probe__sleep", "probe__fail"], tools.Select(s => Tag(s, GenAiAttributes.ToolName)));
        Assert.All(tools, s => Assert.Equal(agent.SpanId, s.ParentSpanId));
        Assert.All(tools, s => Assert.Equal(ActivityKind.Internal, s.Kind));
        Assert.Null(tools[0].GetTagItem(GenAiAttributes.ErrorType));
        Assert.Equal("tool_error", Tag(tools[1], GenAiAttributes.ErrorType));
        Assert.Equal(ActivityStatusCode.Error, tools[1].Status);

        // One trace per run: the task hub hands each workflow activity the trace context of the StartRun call that started the
        // workflow (kept in history), the Dapr.Workflow SDK's "WorkflowActivity {name}" span restores it, and the in-process calls
        // between services keep Activity.Current. The Orchestrator's agentmesh.run spans sit between the SDK's span and the
        // Agents' invoke_agent (for RunStep) or the planner's chat span (for CreatePlan).
        var startRun = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.DisplayName.EndsWith("agentmesh.v1.Orchestrator/StartRun", StringComparison.Ordinal));
        Assert.All(spans, s => Assert.Equal(startRun.TraceId, s.TraceId));
        var runStep = Assert.Single(spans, s => s.DisplayName == AgentMeshTelemetry.RunSpanName && Tag(s, AgentMeshTelemetry.WorkflowActivityAttribute) == "RunStep");
        Assert.Equal(runStep.SpanId, agent.ParentSpanId);
        var createPlan = Assert.Single(spans, s => s.DisplayName == AgentMeshTelemetry.RunSpanName && Tag(s, AgentMeshTelemetry.WorkflowActivityAttribute) == "CreatePlan");
        Assert.Single(spans, s => s.ParentSpanId == createPlan.SpanId && Tag(s, GenAiAttributes.OperationName) == "chat");
        foreach (var run in new[] { runStep, createPlan })
        {
            var sdk = Assert.Single(trace, s => s.SpanId == run.ParentSpanId);
            Assert.Equal(TelemetryRegistration.DaprWorkflowSource, sdk.Source.Name);
            Assert.Equal(startRun.SpanId, sdk.ParentSpanId);
        }

        // The model calls' GenAI metrics, exported when the host stopped (the meter is shared by every host in this process, so only
        // their presence and attributes are this run's to assert).
        var tokens = metrics.Where(m => m.Name == "gen_ai.client.token.usage").SelectMany(m => m.MetricPoints).ToArray();
        Assert.Contains(tokens, p => TagOf(p, "gen_ai.token.type") == "input" && TagOf(p, GenAiAttributes.OperationName) == "chat" && TagOf(p, GenAiAttributes.ProviderName) == "scripted");
        Assert.Contains(tokens, p => TagOf(p, "gen_ai.token.type") == "output");
        Assert.Contains(metrics, m => m.Name == "gen_ai.client.operation.duration");
        // AgentMesh's own: the run that completed, and the tool calls by tool, the failed one with its error.type.
        var runs = metrics.Where(m => m.Name == "agentmesh.runs").SelectMany(m => m.MetricPoints).ToArray();
        Assert.Contains(runs, p => TagOf(p, "agentmesh.run.status") == "completed");
        var toolCalls = metrics.Where(m => m.Name == "agentmesh.tool.calls").SelectMany(m => m.MetricPoints).ToArray();
        Assert.Contains(toolCalls, p => TagOf(p, GenAiAttributes.ToolName) == "probe__fail" && TagOf(p, GenAiAttributes.ErrorType) == "tool_error");
        Assert.Contains(toolCalls, p => TagOf(p, GenAiAttributes.ToolName) == "probe__sleep" && TagOf(p, GenAiAttributes.ErrorType) is null);

        // Message content is off by default: no gen_ai.*messages / instructions attributes or events anywhere.
        Assert.All(spans, s =>
        {
            Assert.DoesNotContain(s.TagObjects, t => t.Key.EndsWith(".messages", StringComparison.Ordinal) || t.Key == "gen_ai.system_instructions");
            Assert.DoesNotContain(s.Events, e => e.Name.StartsWith("gen_ai.", StringComparison.Ordinal) && e.Name.Contains("message", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task A_run_resumed_by_another_host_stays_in_its_trace()
    {
        var exported = new List<Activity>();
        using var scenario = new ExampleScenario(Cassettes.Write(
            Cassettes.Planner(1, ProbeRun.Plan),
            Cassettes.ToolCall("researcher", "a", 1, "c1", "probe__plain", []),
            Cassettes.Answer("researcher", "a", 2, "done")));
        var options = ProbeRun.HostOptions(scenario);
        options.Settings["Telemetry:Enabled"] = "true";
        options.ConfigureServices = s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported));
        string runId;
        string approvalId;

        // The first host runs the step until it waits for the approval of its gated call, and stops.
        await using (var host = await MeshHost.StartAsync(options))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            runId = (await client.StartRunAsync(new StartRunRequest { Goal = "a goal" })).RunId;
            var events = await RunObserver.WatchAsync(client, runId, stopWhen: e => e.ApprovalRequested is not null);
            approvalId = events.Last().ApprovalRequested.ApprovalId;
        }

        // A second host on the same data folder takes the decision and finishes the run.
        await using (var host = await MeshHost.StartAsync(options))
        {
            using var channel = GrpcChannel.ForAddress(host.Address);
            var client = new OrchestratorContract.OrchestratorClient(channel);
            await client.SubmitApprovalAsync(new SubmitApprovalRequest { ApprovalId = approvalId, Approve = true });
            Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(await RunObserver.WatchAsync(client, runId)));
        }

        Activity[] spans;
        lock (exported)
        {
            spans = exported.Where(a => Tag(a, GenAiAttributes.RunId) == runId).ToArray();
        }

        // Two attempts of step a, one per host, and the tool call that ran after the approval: all in the StartRun call's trace.
        var agents = spans.Where(s => Tag(s, GenAiAttributes.OperationName) == "invoke_agent").ToArray();
        Assert.Equal(2, agents.Length);
        Assert.Single(spans, s => Tag(s, GenAiAttributes.OperationName) == "execute_tool");
        Assert.Single(spans.Select(s => s.TraceId).Distinct());
    }

    private static string? TagOf(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name) as string;
}
