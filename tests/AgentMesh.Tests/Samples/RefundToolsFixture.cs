using AgentMesh.Services.ToolHost;
using AgentMesh.Tests.Hosting;
using AgentMesh.Tests.ToolHost;
using Xunit;
using ToolHostContract = AgentMesh.Contracts.V1.ToolHost;

namespace AgentMesh.Tests.Samples;

/// <summary>
/// The real ToolHost (gRPC on loopback) with the sample refund tools server configured as
/// <c>refunds</c> in its mcpServers file, over a fresh SQLite file; shared by one test class.
/// </summary>
public abstract class RefundToolsFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private TestGrpcHost _host = null!;

    /// <summary>The purchase database the server created and seeded.</summary>
    public string DatabasePath => Path.Combine(_dir.Path, "refunds.db");

    public ToolHostContract.ToolHostClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var config = McpTestServers.WriteAndLoad(_dir.Path, new { mcpServers = new { refunds = await StartServerAsync() } });
        _host = await TestGrpcHost.StartAsync(services => services.AddToolHost(o => o.Config = config), endpoints => endpoints.MapToolHost());
        Client = new ToolHostContract.ToolHostClient(_host.Channel);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        StopServer();
        _dir.Dispose();
    }

    /// <summary>Starts what the transport needs and returns the <c>refunds</c> entry of the mcpServers file.</summary>
    protected abstract Task<object> StartServerAsync();

    /// <summary>Stops a server the fixture started itself (the ToolHost stops a stdio server when it is disposed).</summary>
    protected virtual void StopServer()
    {
    }
}

/// <summary>The server as a stdio process the ToolHost starts: <c>dotnet AgentMesh.Samples.RefundTools.dll --db … --today …</c>.</summary>
public sealed class StdioRefundToolsFixture : RefundToolsFixture
{
    protected override Task<object> StartServerAsync()
        => Task.FromResult<object>(new { command = "dotnet", args = RefundToolsServer.StdioArguments(DatabasePath) });
}

/// <summary>The server as its own process on Streamable HTTP (<c>--http --urls …</c>); the ToolHost connects to its <c>/mcp</c> url.</summary>
public sealed class HttpRefundToolsFixture : RefundToolsFixture
{
    private RefundToolsServer.HttpServerProcess? _server;

    protected override async Task<object> StartServerAsync()
    {
        _server = await RefundToolsServer.StartHttpAsync(DatabasePath);
        return new { url = _server.McpUrl };
    }

    protected override void StopServer() => _server?.Dispose();
}
