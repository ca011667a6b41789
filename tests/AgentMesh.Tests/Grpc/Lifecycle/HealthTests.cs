using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Grpc.Health;
using AgentMesh.Grpc.Health.V1;
using AgentMesh.Grpc.Internal.Server;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;
using ServingStatus = AgentMesh.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AgentMesh.Tests.Grpc.Lifecycle;

/// <summary>grpc.health.v1.Health served by a real Kestrel host, called by our client.</summary>
public sealed class HealthTests : IAsyncLifetime
{
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Check = Method<HealthCheckRequest, HealthCheckResponse>.Create(HealthReflection.Descriptor.Services[0], "Check");
    private static readonly Method<HealthCheckRequest, HealthCheckResponse> Watch = Method<HealthCheckRequest, HealthCheckResponse>.Create(HealthReflection.Descriptor.Services[0], "Watch");

    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;

    private ServerHealth Health => (ServerHealth)_server.Services.GetService(typeof(ServerHealth))!;

    public async Task InitializeAsync()
    {
        _server = await StartWithHealthAsync();
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData("agentmesh.test.Echo")]
    [InlineData("grpc.health.v1.Health")]
    public async Task Once_started_the_server_and_every_mapped_service_are_SERVING(string service)
    {
        var response = await _channel.UnaryAsync(Check, new HealthCheckRequest { Service = service }).WaitAsync(WaitLimit);

        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_of_an_unknown_service_is_NOT_FOUND()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(Check, new HealthCheckRequest { Service = "no.such.Service" }).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Contains("no.such.Service", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_sends_the_current_status_then_every_change_of_a_set_status()
    {
        using var call = _channel.ServerStreaming(Watch, new HealthCheckRequest { Service = "agentmesh.test.Echo" });
        Assert.Equal(ServingStatus.Serving, await NextAsync(call));

        Health.SetStatus("agentmesh.test.Echo", ServingStatus.NotServing);
        Assert.Equal(ServingStatus.NotServing, await NextAsync(call));
        var checkedWhileSet = await _channel.UnaryAsync(Check, new HealthCheckRequest { Service = "agentmesh.test.Echo" }).WaitAsync(WaitLimit);

        Health.ClearStatus("agentmesh.test.Echo");
        Assert.Equal(ServingStatus.Serving, await NextAsync(call));
        Assert.Equal(ServingStatus.NotServing, checkedWhileSet.Status);
    }

    [Fact]
    public async Task Watch_of_an_unknown_service_reports_SERVICE_UNKNOWN_until_the_service_gets_a_status()
    {
        using var call = _channel.ServerStreaming(Watch, new HealthCheckRequest { Service = "agentmesh.test.Later" });
        Assert.Equal(ServingStatus.ServiceUnknown, await NextAsync(call));

        Health.SetStatus("agentmesh.test.Later", ServingStatus.Serving);
        Assert.Equal(ServingStatus.Serving, await NextAsync(call));

        Health.ClearStatus("agentmesh.test.Later");
        Assert.Equal(ServingStatus.ServiceUnknown, await NextAsync(call));
    }

    [Fact]
    public async Task When_the_host_stops_a_watch_sees_NOT_SERVING_and_ends()
    {
        using var call = _channel.ServerStreaming(Watch, new HealthCheckRequest());
        Assert.Equal(ServingStatus.Serving, await NextAsync(call));

        var stop = _server.StopAsync();

        Assert.Equal(ServingStatus.NotServing, await NextAsync(call));
        Assert.False(await call.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
        await stop.WaitAsync(WaitLimit);
    }

    [Fact]
    public void Statuses_follow_the_host_lifetime_and_shutdown_overrides_set_ones()
    {
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var catalog = new GrpcServiceRegistry();
        catalog.AddService(EchoService.Descriptor);
        using var health = new ServerHealth(catalog, lifetime);
        health.SetStatus("agentmesh.test.Store", ServingStatus.Serving);
        var beforeStart = (health.GetStatus(""), health.GetStatus("agentmesh.test.Echo"), health.GetStatus("agentmesh.test.Store"));

        lifetime.NotifyStarted();
        var started = (health.GetStatus(""), health.GetStatus("agentmesh.test.Echo"), health.GetStatus("agentmesh.test.Store"));

        lifetime.StopApplication();
        health.SetStatus("agentmesh.test.Echo", ServingStatus.Serving);
        var stopping = (health.GetStatus(""), health.GetStatus("agentmesh.test.Echo"), health.GetStatus("agentmesh.test.Store"));

        Assert.Equal((ServingStatus.NotServing, ServingStatus.NotServing, ServingStatus.Serving), beforeStart);
        Assert.Equal((ServingStatus.Serving, ServingStatus.Serving, ServingStatus.Serving), started);
        Assert.Equal((ServingStatus.NotServing, ServingStatus.NotServing, ServingStatus.NotServing), stopping);
        Assert.Null(health.GetStatus("agentmesh.test.Unknown"));
        Assert.Throws<ArgumentOutOfRangeException>(() => health.SetStatus("x", ServingStatus.ServiceUnknown));
    }

    /// <summary>A test server with health mapped (drain bound short: a test that stops it must not wait long).</summary>
    internal static Task<GrpcTestServer> StartWithHealthAsync() => GrpcTestServer.StartAsync(
        options => options.ShutdownDrainTimeout = TimeSpan.FromSeconds(5),
        services: services => services.AddGrpcHealth(),
        map: app => app.MapGrpcHealthService());

    private static async Task<ServingStatus> NextAsync(AsyncServerStreamingCall<HealthCheckResponse> call)
    {
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        return call.ResponseStream.Current.Status;
    }
}
