using System.Net;
using System.Net.Http.Headers;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using Grpc.Testing;
using static AgentMesh.Interop.TestServiceMethods;

namespace AgentMesh.Tests.Interop;

/// <summary>
/// cancel_after_begin and timeout_on_sleeping_server seen from the server handler: it must see its
/// cancellation token fire, and its deadline. Official clients may cancel before the stream reaches
/// the server, so these tests wait until the handler runs before cancelling or timing out.
/// </summary>
public sealed class HandlerCancellationTests : IAsyncLifetime
{
    private const int HandlerStartedEvent = 3;
    private const int HandlerCancelledEvent = 1;
    private const string TransportCategory = "AgentMesh.Grpc.Server";
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private InteropServerHost _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await InteropServerHost.StartAsync();
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task The_handler_sees_its_token_fire_when_the_client_cancels_after_begin()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = _channel.ClientStreaming(StreamingInputCall, new CallOptions(CancellationToken: cancellation.Token));
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest()).WaitAsync(WaitLimit);
        await HandlerEventAsync(HandlerStartedEvent, "StreamingInputCall");

        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(WaitLimit));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        var cancelled = await HandlerEventAsync(HandlerCancelledEvent, "StreamingInputCall");
        Assert.Equal(DateTime.MaxValue, cancelled.Values["Deadline"]);
        await _server.Logs.WaitForAsync(e => e.Category == TransportCategory && e.EventId.Name == "CallCancelledByClient");
    }

    [Fact]
    public async Task The_handler_sees_the_client_deadline_and_its_token_fire_on_a_sleeping_server()
    {
        var deadline = DateTime.UtcNow.AddSeconds(3);
        using var call = _channel.DuplexStreaming(FullDuplexCall, new CallOptions(Deadline: deadline));
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest()).WaitAsync(WaitLimit);
        await HandlerEventAsync(HandlerStartedEvent, "FullDuplexCall");

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        var cancelled = await HandlerEventAsync(HandlerCancelledEvent, "FullDuplexCall");
        var seen = (DateTime)cancelled.Values["Deadline"]!;
        Assert.InRange(seen, deadline.AddSeconds(-3), deadline.AddSeconds(3)); // grpc-timeout carries it, give or take transit
    }

    [Fact]
    public async Task The_handler_sees_its_deadline_pass_when_the_client_does_not_enforce_it()
    {
        // A raw HTTP/2 call with grpc-timeout and no client-side timer: only the server's deadline can end it.
        using var http = new HttpClient();
        using var body = new OpenRequestBody(new byte[] { 0, 0, 0, 0, 0 }); // one empty message, request stream left open
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{_server.Address}{FullDuplexCall.FullName}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = body,
        };
        request.Headers.TE.ParseAdd("trailers");
        request.Headers.TryAddWithoutValidation("grpc-timeout", "500m");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(WaitLimit);
        var status = await ReadStatusAsync(response);

        Assert.Equal(((int)StatusCode.DeadlineExceeded).ToString(), status);
        var cancelled = await HandlerEventAsync(HandlerCancelledEvent, "FullDuplexCall");
        Assert.NotEqual(DateTime.MaxValue, cancelled.Values["Deadline"]);
        await _server.Logs.WaitForAsync(e => e.Category == TransportCategory && e.EventId.Name == "DeadlineExceeded");
    }

    /// <summary>grpc-status from the headers (Trailers-Only) or, after the body, the trailers.</summary>
    private static async Task<string?> ReadStatusAsync(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("grpc-status", out var inHeaders))
        {
            return inHeaders.Single();
        }

        await response.Content.ReadAsByteArrayAsync().WaitAsync(WaitLimit);
        return response.TrailingHeaders.TryGetValues("grpc-status", out var inTrailers) ? inTrailers.Single() : null;
    }

    private Task<ObservedLogs.Entry> HandlerEventAsync(int eventId, string method) => _server.Logs.WaitForAsync(e =>
        e.Category.StartsWith("AgentMesh.Interop.Server", StringComparison.Ordinal) && e.EventId.Id == eventId
        && Equals(e.Values.GetValueOrDefault("Method"), $"/grpc.testing.TestService/{method}"));

    /// <summary>A gRPC request body that sends its bytes at once and stays open until disposed.</summary>
    private sealed class OpenRequestBody : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public OpenRequestBody(byte[] bytes)
        {
            _bytes = bytes;
            Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_bytes);
            await stream.FlushAsync();
            await _closed.Task;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            _closed.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
