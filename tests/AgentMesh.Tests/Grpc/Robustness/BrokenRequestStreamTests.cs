using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AgentMesh.Tests.Grpc.Robustness;

/// <summary>
/// When a client resets a stream or its connection drops, Kestrel fails the pending request body
/// read with an <see cref="IOException"/> at once and fires RequestAborted a moment later, on
/// another thread; the hammer caught handlers failing in between. This replays that order exactly
/// (the body already failed, RequestAborted not yet fired) on a real method endpoint.
/// </summary>
public sealed class BrokenRequestStreamTests
{
    [Theory]
    [InlineData("Unary")]
    [InlineData("ServerStream")]
    [InlineData("ClientStream")]
    [InlineData("Duplex")]
    public async Task A_body_read_that_fails_before_RequestAborted_fires_is_the_clients_cancellation(string method)
    {
        await using var server = await GrpcTestServer.StartAsync();
        var endpoint = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Single(candidate => candidate.RoutePattern.RawText == $"/agentmesh.test.Echo/{method}");
        using var scope = server.Services.CreateScope();
        var body = new Pipe();
        await body.Writer.CompleteAsync(new IOException("The client reset the request stream."));
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Protocol = "HTTP/2";
        http.Request.Method = "POST";
        http.Request.ContentType = "application/grpc";
        http.Request.Body = body.Reader.AsStream();
        server.Logs.Entries.Clear();

        await endpoint.RequestDelegate!(http);

        Assert.DoesNotContain(server.Logs.Entries, entry => entry.Level >= LogLevel.Error);
        Assert.Contains(server.Logs.Entries, entry => entry.EventId.Name == "CallCancelledByClient" && entry.Level == LogLevel.Information);
        Assert.False(http.Response.Headers.ContainsKey("grpc-status"), "a status was written for a client that is gone");
        Assert.Equal(0, server.ActiveCalls);
    }
}
