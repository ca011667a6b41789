using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.Models;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// A model endpoint that refuses the key, on the all-in-one host: the endpoint is the FAKE OpenAI-compatible server
/// (a stand-in: no model endpoint can run here), driven through the real OpenAI SDK provider.
/// </summary>
public sealed class ModelFailureTests
{
    [Fact]
    public async Task A_refused_key_fails_the_run_at_once_as_fatal_with_a_message_for_a_person_and_no_provider_text()
    {
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        endpoint.DefaultReply = FakeOpenAIReply.Error(401, "Incorrect API key provided: sk-secret-123.", "invalid_api_key");
        using var scenario = new ExampleScenario();
        var options = scenario.HostOptions();
        options.CassettePath = null;
        options.Settings["Models:Provider"] = "openai";
        options.Settings["Models:Default:Endpoint"] = $"{endpoint.BaseAddress}v1";
        options.Settings["Models:Default:ApiKey"] = "sk-secret-123";
        options.Settings["Models:Default:Model"] = "gpt-test";
        await using var host = await MeshHost.StartAsync(options);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);

        var plan = new Plan { Steps = { new PlanStep { Id = "a", AgentRole = "researcher", Instruction = "look" } } };
        var runId = (await client.StartRunAsync(new StartRunRequest { Plan = plan })).RunId;
        var events = await RunObserver.WatchAsync(client, runId);
        var run = await client.GetRunAsync(new GetRunRequest { RunId = runId });

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        var failed = Assert.Single(events, e => e.StepFailed is not null).StepFailed;
        Assert.Equal("fatal", failed.FailureClass);
        Assert.Contains("refused the credentials of role researcher (HTTP 401)", failed.Error, StringComparison.Ordinal);
        Assert.Contains("refused the credentials", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret-123", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(events, e => e.ToString().Contains("sk-secret-123", StringComparison.Ordinal) || e.ToString().Contains("Incorrect API key", StringComparison.Ordinal));
        Assert.Single(endpoint.Requests);
        Assert.Single(events, e => e.StepStarted is not null);
    }
}
