using System.Diagnostics;
using System.Text.Json;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.Models;
using Grpc.Net.Client;
using Xunit.Abstractions;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// A model endpoint that refuses the key, is busy, rate-limits or answers tool calls whose arguments are not JSON, on the
/// all-in-one host: the endpoint is the FAKE OpenAI-compatible server (a stand-in: no model endpoint can run here), driven
/// through the real OpenAI SDK provider; the tools are the example's real server-filesystem.
/// </summary>
public sealed class ModelFailureTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_refused_key_fails_the_run_at_once_as_fatal_with_a_message_for_a_person_and_no_provider_text()
    {
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        endpoint.DefaultReply = FakeOpenAIReply.Error(401, "Incorrect API key provided: sk-secret-123.", "invalid_api_key");
        var (events, run) = await RunOneStepAsync(endpoint, new());

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        Assert.Equal("fatal", run.FailureClass);
        var failed = Assert.Single(events, e => e.StepFailed is not null).StepFailed;
        Assert.Equal("fatal", failed.FailureClass);
        Assert.Contains("refused the credentials of role researcher (HTTP 401)", failed.Error, StringComparison.Ordinal);
        Assert.Contains("refused the credentials", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret-123", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.ToString().Contains("sk-secret-123", StringComparison.Ordinal) || e.ToString().Contains("Incorrect API key", StringComparison.Ordinal));
        Assert.Single(endpoint.Requests);
        Assert.Single(events, e => e.StepStarted is not null);
    }

    [Fact]
    public async Task A_busy_service_is_transient_and_the_run_names_the_class_once_retries_run_out()
    {
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        endpoint.DefaultReply = FakeOpenAIReply.Error(503, "Engine overloaded, internal shard 7.", "server_error");
        var (events, run) = await RunOneStepAsync(endpoint, new() { ["Orchestrator:ActivityMaxAttempts"] = "1" });

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        var failed = Assert.Single(events, e => e.StepFailed is not null).StepFailed;
        Assert.Equal("transient", failed.FailureClass);
        Assert.Contains("temporarily busy or failing (HTTP 503)", failed.Error, StringComparison.Ordinal);
        Assert.Equal("transient", run.FailureClass);
        Assert.DoesNotContain("shard 7", run.Error, StringComparison.Ordinal);
        Assert.Equal(4, endpoint.Requests.Count); // the SDK's own three retries
    }

    /// <summary>A tool call of the read-only <c>list_allowed_directories</c> whose arguments string is not JSON.</summary>
    private static FakeOpenAIReply UnreadableToolCall(string callId) => FakeOpenAIReply.Stream(
        "tool_calls",
        $$$"""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"{{{callId}}}","type":"function","function":{"name":"filesystem__list_allowed_directories","arguments":""}}]}""",
        """{"tool_calls":[{"index":0,"function":{"arguments":"{\"path\": /not quoted"}}]}""");

    private static FakeOpenAIReply Text(string text) => FakeOpenAIReply.Stream("stop", $$"""{"role":"assistant","content":{{JsonSerializer.Serialize(text)}}}""");

    /// <summary>The text of the <c>tool</c> message answering <paramref name="callId"/> in a recorded chat completions request, or null.</summary>
    private static string? ToolMessage(FakeOpenAIServer.RecordedRequest request, string callId)
    {
        foreach (var message in request.Body.GetProperty("messages").EnumerateArray())
        {
            if (message.GetProperty("role").GetString() != "tool" || message.GetProperty("tool_call_id").GetString() != callId)
                continue;
            var content = message.GetProperty("content");
            return content.ValueKind == JsonValueKind.String
                ? content.GetString()
                : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
        }

        return null;
    }

    [Fact]
    public async Task Tool_call_arguments_that_are_not_JSON_get_one_correction_turn_and_a_corrected_call_completes_the_step()
    {
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        endpoint.Replies.Enqueue(UnreadableToolCall("call_1"));
        endpoint.Replies.Enqueue(FakeOpenAIReply.Stream(
            "tool_calls",
            """{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_2","type":"function","function":{"name":"filesystem__list_allowed_directories","arguments":"{}"}}]}"""));
        endpoint.Replies.Enqueue(Text("listed after the correction"));
        var (events, run) = await RunOneStepAsync(endpoint, new());

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.Equal("listed after the correction", run.Output);
        var requests = endpoint.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        // The correction is the mistaken call's tool result in the very next request: what was wrong, and what to do.
        var correction = ToolMessage(requests[1], "call_1");
        Assert.NotNull(correction);
        Assert.StartsWith("Error: the arguments of filesystem__list_allowed_directories are not valid JSON", correction, StringComparison.Ordinal);
        Assert.Contains("Call it again with a JSON object.", correction, StringComparison.Ordinal);
        // It says where the JSON broke (the parser's message), not only that parsing failed.
        Assert.Contains("Path: $.path | LineNumber: 0 | BytePositionInLine: 9", correction, StringComparison.Ordinal);
        Assert.Contains(RepoPaths.Root, ToolMessage(requests[2], "call_2"), StringComparison.Ordinal);
        // The mistaken call never ran; the corrected one did, once; the step ran once.
        Assert.Equal(["call_2"], events.Where(e => e.ToolCallStarted is not null).Select(e => e.ToolCallStarted.ToolCallId));
        Assert.Single(events, e => e.StepStarted is not null);
        Assert.DoesNotContain(events, e => e.StepFailed is not null);
        Assert.Equal([1, 2, 3], events.Where(e => e.ModelTurn is not null).Select(e => e.ModelTurn.Turn));
    }

    [Fact]
    public async Task Tool_call_arguments_that_are_not_JSON_twice_in_a_row_fail_the_step_as_a_model_error_without_retry()
    {
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        endpoint.Replies.Enqueue(UnreadableToolCall("call_1"));
        endpoint.Replies.Enqueue(UnreadableToolCall("call_2"));
        endpoint.DefaultReply = Text("never asked for");
        var (events, run) = await RunOneStepAsync(endpoint, new());

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        Assert.Equal("model", run.FailureClass);
        var failed = Assert.Single(events, e => e.StepFailed is not null).StepFailed;
        Assert.Equal("model", failed.FailureClass);
        Assert.Contains("model_error", failed.Error, StringComparison.Ordinal);
        Assert.Contains("are not valid JSON", failed.Error, StringComparison.Ordinal);
        Assert.Contains("model_error", run.Error, StringComparison.Ordinal);
        // One correction turn (the second request carries it), then no third model call and no second attempt.
        var requests = endpoint.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Contains("are not valid JSON", ToolMessage(requests[1], "call_1"), StringComparison.Ordinal);
        Assert.Single(events, e => e.StepStarted is not null);
        Assert.DoesNotContain(events, e => e.ToolCallStarted is not null);
    }

    [Fact]
    public async Task A_storm_of_429s_is_waited_out_honouring_Retry_After_first_by_the_SDK_then_by_a_step_retry_and_the_run_completes()
    {
        // 5 answers 429 with Retry-After: 2, then a success. The OpenAI SDK's ClientRetryPolicy (3 retries, waiting the
        // longer of 0.8 s · 2^n and Retry-After) sends requests 1-4 of step attempt 1; the step then fails as transient and
        // the workflow's activity policy runs it again after Orchestrator:ActivityFirstRetryInterval (1 s here), whose
        // request 5 is a 429 again and request 6 succeeds after another Retry-After.
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        var busy = FakeOpenAIReply.Error(429, "Rate limit reached for gpt-test in organization org-s3cr3t on tokens per min.", "rate_limit_exceeded",
            new Dictionary<string, string> { ["Retry-After"] = "2" });
        for (var i = 0; i < 5; i++)
            endpoint.Replies.Enqueue(busy);
        endpoint.Replies.Enqueue(Text("answered after the storm"));
        var (events, run) = await RunOneStepAsync(endpoint, new() { ["Orchestrator:ActivityFirstRetryInterval"] = "00:00:01" });

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.Equal("answered after the storm", run.Output);
        Assert.Equal("", run.FailureClass);
        var times = endpoint.Requests.Select(r => r.ReceivedAt).ToArray();
        Assert.Equal(6, times.Length);
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToArray();
        output.WriteLine($"gaps between requests (s): {string.Join(", ", gaps.Select(g => g.TotalSeconds.ToString("0.00")))}");
        // Retry-After (2 s) is longer than the SDK's own 0.8 s and 1.6 s, so it sets those waits; the third is the SDK's 3.2 s.
        Assert.InRange(gaps[0], TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(30));
        Assert.InRange(gaps[1], TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(30));
        Assert.InRange(gaps[2], TimeSpan.FromSeconds(3.1), TimeSpan.FromSeconds(30));
        Assert.InRange(gaps[3], TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(30)); // the step-level retry interval
        Assert.InRange(gaps[4], TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(30));
        // Two executions of the step. (StepStarted.attempt is not asserted: an activity-policy retry re-runs the same input, so it stays 1.)
        Assert.Equal(2, events.Count(e => e.StepStarted is not null));
        var failed = Assert.Single(events, e => e.StepFailed is not null).StepFailed;
        Assert.Equal("transient", failed.FailureClass);
        Assert.Contains("temporarily busy or failing (HTTP 429)", failed.Error, StringComparison.Ordinal);
        Assert.Single(events, e => e.StepCompleted is not null);
        AssertNoProviderText(events, run, "org-s3cr3t", "Rate limit reached");
    }

    [Fact]
    public async Task A_storm_of_429s_that_outlasts_every_retry_fails_the_run_as_transient_in_bounded_time_with_a_message_for_a_person()
    {
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        endpoint.DefaultReply = FakeOpenAIReply.Error(429, "Rate limit reached for gpt-test in organization org-s3cr3t on requests per min.", "rate_limit_exceeded",
            new Dictionary<string, string> { ["Retry-After"] = "1" });
        var watch = Stopwatch.StartNew();
        var (events, run) = await RunOneStepAsync(endpoint, new()); // default Orchestrator:ActivityMaxAttempts (3)
        watch.Stop();
        var times = endpoint.Requests.Select(r => r.ReceivedAt).ToArray();
        output.WriteLine($"{times.Length} requests in {watch.Elapsed.TotalSeconds:0.0} s; gaps (s): {string.Join(", ", times.Zip(times.Skip(1), (a, b) => (b - a).TotalSeconds.ToString("0.00")))}");
        output.WriteLine($"run error: {run.Error}");

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        Assert.Equal("transient", run.FailureClass);
        Assert.Equal("transient", events.Last(e => e.StatusChanged is not null).StatusChanged.FailureClass);
        Assert.Contains("The AI service is temporarily busy or failing (HTTP 429) for role researcher", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("will be tried again", run.Error, StringComparison.Ordinal); // the retries are over
        // 3 step attempts, each one request and the SDK's 3 retries (waits of about 1 s, 1.6 s, 3.2 s): then it stops.
        Assert.Equal(12, endpoint.Requests.Count);
        Assert.Equal(3, events.Count(e => e.StepStarted is not null));
        Assert.Equal(3, events.Count(e => e.StepFailed is { FailureClass: "transient" }));
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(100));
        AssertNoProviderText(events, run, "org-s3cr3t", "Rate limit reached");
    }

    /// <summary>The endpoint's own error text is only logged: no run event, and neither the run's error nor its output, quotes it.</summary>
    private static void AssertNoProviderText(List<RunEvent> events, Run run, params string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            Assert.DoesNotContain(events, e => e.ToString().Contains(fragment, StringComparison.Ordinal));
            Assert.DoesNotContain(fragment, run.ToString(), StringComparison.Ordinal);
        }
    }

    /// <summary>Runs a one-step explicit plan (no planner call) against <paramref name="endpoint"/> with <paramref name="settings"/>.</summary>
    private static async Task<(List<RunEvent> Events, Run Run)> RunOneStepAsync(FakeOpenAIServer endpoint, Dictionary<string, string> settings)
    {
        using var scenario = new ExampleScenario();
        var options = scenario.HostOptions(endpoint, "sk-secret-123");
        foreach (var (key, value) in settings)
            options.Settings[key] = value;
        await using var host = await MeshHost.StartAsync(options);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var plan = new Plan { Steps = { new PlanStep { Id = "a", AgentRole = "researcher", Instruction = "look" } } };
        var runId = (await client.StartRunAsync(new StartRunRequest { Plan = plan })).RunId;
        var events = await RunObserver.WatchAsync(client, runId);
        return (events, await client.GetRunAsync(new GetRunRequest { RunId = runId }));
    }
}
