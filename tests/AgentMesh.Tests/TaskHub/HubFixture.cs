using Dapr.Workflow;

namespace AgentMesh.Tests.TaskHub;

/// <summary>One <see cref="HubHost"/> (its worker knows every scenario workflow), shared by a test class; the SDK calls it over gRPC.</summary>
public class HubFixture : IAsyncLifetime
{
    /// <summary>Whether the SDK calls the hub in-process instead of over its port.</summary>
    protected virtual bool InProcess => false;

    private readonly string _directory = Directory.CreateTempSubdirectory("agentmesh-hub-").FullName;

    public HubHost Hub { get; private set; } = null!;

    public DaprWorkflowClient Client => Hub.Client;

    public async Task InitializeAsync() => Hub = await HubHost.StartAsync(Path.Combine(_directory, "taskhub.db"), InProcess);

    public async Task DisposeAsync()
    {
        await Hub.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>A <see cref="HubFixture"/> whose SDK worker and client call the hub in-process.</summary>
public sealed class InProcessHubFixture : HubFixture
{
    protected override bool InProcess => true;
}
