using AgentMesh.Grpc;
using AgentMesh.Grpc.Server;
using AgentMesh.Tests.Grpc.Protos;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AgentMesh.Tests.Grpc;

public sealed class ServiceBindingTests
{
    [Fact]
    public async Task Mapping_a_service_without_every_handler_throws_naming_the_missing_ones()
    {
        await using var app = BuildApp(addGrpcServer: true);
        var incomplete = EchoReflection.Descriptor.Services.Single(s => s.Name == "Incomplete");

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoService>(incomplete));

        Assert.Contains("Missing", error.Message);
        Assert.DoesNotContain("Unary:", error.Message);
    }

    [Fact]
    public async Task Mapping_handlers_of_the_wrong_shape_throws_naming_each()
    {
        await using var app = BuildApp(addGrpcServer: true);

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<WrongShapes>(EchoService.Descriptor));

        Assert.Contains("Unary: expected public Task<EchoReply> Unary(EchoRequest, ServerCallContext)", error.Message);
        Assert.Contains("ServerStream:", error.Message);
        Assert.Contains("ClientStream:", error.Message);
        Assert.Contains("Duplex:", error.Message);
    }

    [Fact]
    public async Task Mapping_without_AddGrpcServer_says_so()
    {
        await using var app = BuildApp(addGrpcServer: false);

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<EchoService>(EchoService.Descriptor));

        Assert.Contains("AddGrpcServer", error.Message);
    }

    private static WebApplication BuildApp(bool addGrpcServer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (addGrpcServer)
        {
            builder.Services.AddGrpcServer();
        }

        return builder.Build();
    }

    private sealed class WrongShapes
    {
        public Task<EchoReply> Unary(EchoRequest request) => Task.FromResult(new EchoReply());

        public Task ServerStream(EchoRequest request, ServerCallContext context) => Task.CompletedTask;

        public EchoReply ClientStream(IAsyncStreamReader<EchoRequest> requests, ServerCallContext context) => new();

        public Task<EchoReply> Duplex(IAsyncStreamReader<EchoRequest> requests, IServerStreamWriter<EchoReply> responses, ServerCallContext context)
            => Task.FromResult(new EchoReply());
    }
}
