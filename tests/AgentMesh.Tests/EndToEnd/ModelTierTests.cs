using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using AgentMesh.Models;
using AgentMesh.Tests.Models;
using Grpc.Net.Client;
using OrchestratorContract = AgentMesh.Contracts.V1.Orchestrator;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// Model tiers: a role's default tier and a plan step's own, on the all-in-one host against the FAKE OpenAI-compatible
/// server (a stand-in: no model endpoint can run here), through the real OpenAI SDK provider.
/// </summary>
public sealed class ModelTierTests
{
    private static readonly Dictionary<string, string> Tiers = new()
    {
        ["Models:Tiers:fast:Model"] = "gpt-fast",
        ["Models:Tiers:strong:Model"] = "gpt-strong",
        ["Models:Roles:researcher:Tier"] = "fast",
    };

    [Fact]
    public async Task A_role_uses_its_tier_and_a_step_that_names_a_tier_uses_that_one()
    {
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        endpoint.DefaultReply = FakeOpenAIReply.Stream("stop", """{"role":"assistant","content":"done"}""");
        var plan = new Plan
        {
            Steps =
            {
                new PlanStep { Id = "a", AgentRole = "researcher", Instruction = "look" },
                new PlanStep { Id = "b", AgentRole = "researcher", Instruction = "look harder", ModelTier = "strong", DependsOn = { "a" } },
                new PlanStep { Id = "c", AgentRole = "writer", Instruction = "write", DependsOn = { "b" } },
            },
        };

        var (events, _) = await RunAsync(endpoint, plan);

        Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(events));
        Assert.Equal(["gpt-fast", "gpt-strong", "gpt-test"], endpoint.Requests.Select(r => r.Body.GetProperty("model").GetString()).ToList());
    }

    [Fact]
    public async Task A_step_that_names_a_tier_the_mesh_does_not_have_fails_as_fatal_without_calling_a_model()
    {
        await using var endpoint = await FakeOpenAIServer.StartAsync();
        var plan = new Plan { Steps = { new PlanStep { Id = "a", AgentRole = "researcher", Instruction = "look", ModelTier = "huge" } } };

        var (events, run) = await RunAsync(endpoint, plan);

        Assert.Equal(RunStatus.Failed, RunObserver.FinalStatus(events));
        Assert.Equal("fatal", run.FailureClass);
        Assert.Contains("Model tier \"huge\" is not configured (Models:Tiers has fast, strong)", run.Error);
        Assert.Empty(endpoint.Requests);
    }

    [Fact]
    public void Settings_resolve_field_by_field_step_tier_then_role_then_role_tier_then_default()
    {
        var options = new ModelProviderOptions { Default = new() { Model = "m-default", Endpoint = "http://default/v1" } };
        options.Tiers["fast"] = new() { Model = "m-fast" };
        options.Tiers["strong"] = new() { Model = "m-strong", Endpoint = "http://strong/v1" };
        options.Roles["writer"] = new() { Tier = "strong" };
        options.Roles["researcher"] = new() { Model = "m-research", Tier = "fast" };

        Assert.Equal(("m-default", "http://default/v1"), Pick(options.ResolveEndpoint("analyst")));
        Assert.Equal(("m-strong", "http://strong/v1"), Pick(options.ResolveEndpoint("writer")));
        Assert.Equal(("m-research", "http://default/v1"), Pick(options.ResolveEndpoint("researcher")));
        Assert.Equal(("m-strong", "http://strong/v1"), Pick(options.ResolveEndpoint("researcher", "STRONG")));
        Assert.Throws<ArgumentException>(() => options.ResolveEndpoint("analyst", "huge"));
        options.Roles["reviewer"] = new() { Tier = "huge" };
        options.Provider = ModelProviderOptions.OpenAI;
        var failure = new ModelProviderOptionsValidator().Validate(null, options);
        Assert.Contains("Models:Roles:reviewer:Tier: Model tier \"huge\" is not configured", failure.FailureMessage);

        static (string, string?) Pick(ModelEndpointOptions endpoint) => (endpoint.Model, endpoint.Endpoint);
    }

    private static async Task<(List<RunEvent> Events, Run Run)> RunAsync(FakeOpenAIServer endpoint, Plan plan)
    {
        using var scenario = new ExampleScenario();
        var options = scenario.HostOptions(endpoint);
        foreach (var (key, value) in Tiers)
            options.Settings[key] = value;
        await using var host = await MeshHost.StartAsync(options);
        using var channel = GrpcChannel.ForAddress(host.Address);
        var client = new OrchestratorContract.OrchestratorClient(channel);
        var runId = (await client.StartRunAsync(new StartRunRequest { Plan = plan })).RunId;
        var events = await RunObserver.WatchAsync(client, runId);
        return (events, await client.GetRunAsync(new GetRunRequest { RunId = runId }));
    }
}
