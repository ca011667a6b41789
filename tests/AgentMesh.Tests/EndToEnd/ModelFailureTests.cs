using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.Models;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// A model endpoint that refuses the key or is busy, on the all-in-one host: the endpoint is the FAKE OpenAI-compatible server
/// (a stand-in: no model endpoint can run here), driven through the real OpenAI SDK provider.
/// </summary>
public sealed class ModelFailureTests
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

    /// <summary>Runs a one-step explicit plan (no planner call) against <paramref name="endpoint"/> with <paramref name="settings"/>.</summary>
    private static async Task<(List<RunEvent> Events, Run Run)> RunOneStepAsync(FakeOpenAIServer endpoint, Dictionary<string, string> settings)
    {
        using var scenario = new ExampleScenario();
        var options = scenario.HostOptions();
        options.CassettePath = null;
        options.Settings["Models:Provider"] = "openai";
        options.Settings["Models:Default:Endpoint"] = $"{endpoint.BaseAddress}v1";
        options.Settings["Models:Default:ApiKey"] = "sk-secret-123";
        options.Settings["Models:Default:Model"] = "gpt-test";
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
