namespace AgentMesh.Tests.Grpc;

/// <summary>Base of test classes that talk to a fresh Echo server (one per test) through a <see cref="RawGrpcClient"/>.</summary>
public abstract class RawEchoServerTests : Xunit.IAsyncLifetime
{
    protected GrpcTestServer Server { get; private set; } = null!;

    protected RawGrpcClient Raw { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await GrpcTestServer.StartAsync();
        Raw = new RawGrpcClient(Server.Address);
    }

    public async Task DisposeAsync()
    {
        Raw.Dispose();
        await Server.DisposeAsync();
    }
}
