using Dapr.Workflow;

namespace AgentMesh.Tests.TaskHub;

/// <summary>One <see cref="HubHost"/> (its worker knows every scenario workflow), shared by a test class.</summary>
public sealed class HubFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("agentmesh-hub-").FullName;

    public HubHost Hub { get; private set; } = null!;

    public DaprWorkflowClient Client => Hub.Client;

    public async Task InitializeAsync() => Hub = await HubHost.StartAsync(Path.Combine(_directory, "taskhub.db"));

    public async Task DisposeAsync()
    {
        await Hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
