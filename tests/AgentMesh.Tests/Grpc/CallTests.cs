using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Protos;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc;

/// <summary>Our client against our server: real Kestrel on loopback, real HttpClient over h2c.</summary>
public sealed class CallTests : IAsyncLifetime
{
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync();
        _channel = GrpcChannel.ForAddress(_server.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Unary_returns_the_reply()
    {
        var reply = await _channel.UnaryAsync(Unary, new EchoRequest { Message = "hello" }).WaitAsync(WaitLimit);

        Assert.Equal("hello", reply.Message);
    }

    [Fact]
    public async Task Server_streaming_returns_every_message_then_OK()
    {
        using var call = _channel.ServerStreaming(ServerStream, new EchoRequest { Message = "m", Count = 5 });
        var indexes = new List<int>();
        await foreach (var reply in call.ResponseStream.ReadAllAsync().WithCancellation(new CancellationTokenSource(WaitLimit).Token))
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, indexes);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task Client_streaming_and_duplex_carry_every_message()
    {
        using var clientCall = _channel.ClientStreaming(ClientStream);
        foreach (var part in new[] { "a", "b", "c" })
        {
            await clientCall.RequestStream.WriteAsync(new EchoRequest { Message = part }).WaitAsync(WaitLimit);
        }

        await clientCall.RequestStream.CompleteAsync();
        var joined = await clientCall.ResponseAsync.WaitAsync(WaitLimit);
        Assert.Equal(("a,b,c", 3), (joined.Message, joined.Index));

        using var duplex = _channel.DuplexStreaming(Duplex);
        for (var i = 0; i < 3; i++)
        {
            await duplex.RequestStream.WriteAsync(new EchoRequest { Message = $"d{i}" }).WaitAsync(WaitLimit);
            Assert.True(await duplex.ResponseStream.MoveNext().WaitAsync(WaitLimit));
            Assert.Equal($"d{i}", duplex.ResponseStream.Current.Message);
        }

        await duplex.RequestStream.CompleteAsync();
        Assert.False(await duplex.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        Assert.Equal(StatusCode.OK, duplex.GetStatus().StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task Status_detail_and_trailers_round_trip_including_non_ASCII(int messagesBeforeError)
    {
        const string detail = "Größe überschritten – 100% ☃";
        var request = new EchoRequest { Message = "x", Count = messagesBeforeError, StatusCode = (int)StatusCode.FailedPrecondition, StatusDetail = detail };
        using var call = _channel.ServerStreaming(ServerStream, request);

        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext().WaitAsync(WaitLimit))
            {
                received++;
            }
        });

        Assert.Equal(Math.Min(messagesBeforeError, 1), received);
        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal(detail, error.Status.Detail);
        Assert.Equal("from-handler", error.Trailers.GetValue("x-error-info"));
        Assert.Equal(new byte[] { 1, 2, 3 }, error.Trailers.GetValueBytes("x-error-bin"));
        Assert.Equal(error.Status, call.GetStatus());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Handler_exception_becomes_UNKNOWN_with_a_generic_message_unless_detailed_errors(bool detailed)
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.EnableDetailedErrors = detailed);
        using var channel = GrpcChannel.ForAddress(server.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(Unary, new EchoRequest { Message = "throw" }).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.StartsWith("Exception was thrown by handler.", error.Status.Detail);
        Assert.Equal(detailed, error.Status.Detail.Contains("secret handler detail"));
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.EventId.Id == 3);
    }

    [Fact]
    public async Task Binary_and_ASCII_metadata_round_trip()
    {
        var headers = new Metadata { { "x-user", "alice" }, { "x-trace-bin", new byte[] { 0, 1, 2, 250, 255 } } };
        using var call = _channel.ServerStreaming(ServerStream, new EchoRequest { Message = "m", Count = 1 }, new CallOptions(headers));

        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        Assert.Contains("x-user=alice", call.ResponseStream.Current.Metadata);
        Assert.Contains("x-trace-bin=AAEC+v8=", call.ResponseStream.Current.Metadata);
        Assert.DoesNotContain(call.ResponseStream.Current.Metadata, m => m.StartsWith("grpc-") || m.StartsWith("te=") || m.StartsWith("content-type="));
        Assert.False(await call.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        Assert.Equal("alice", call.GetTrailers().GetValue("x-user"));
        Assert.Equal(new byte[] { 0, 1, 2, 250, 255 }, call.GetTrailers().GetValueBytes("x-trace-bin"));
    }

    [Fact]
    public async Task Deadline_exceeded_cancels_the_handler()
    {
        var request = new EchoRequest { DelayMs = 20_000, ProbeKey = Guid.NewGuid().ToString() };

        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(Unary, request,
            new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(300))).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal("cancelled deadline-set=True", await _server.Probe.OutcomeAsync(request.ProbeKey));
    }

    [Fact]
    public async Task Past_deadline_fails_without_calling_the_server()
    {
        var request = new EchoRequest { ProbeKey = Guid.NewGuid().ToString() };

        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(Unary, request,
            new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.False(_server.Probe.OutcomeAsync(request.ProbeKey).Wait(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Client_cancellation_reaches_the_handler_and_is_logged_as_information()
    {
        using var cancellation = new CancellationTokenSource();
        var request = new EchoRequest { Count = 2, DelayMs = 20_000, ProbeKey = Guid.NewGuid().ToString() };
        using var call = _channel.ServerStreaming(ServerStream, request, new CallOptions(CancellationToken: cancellation.Token));
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(WaitLimit));

        cancellation.Cancel();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("cancelled deadline-set=False", await _server.Probe.OutcomeAsync(request.ProbeKey));
        await WaitForAsync(() => _server.Logs.Entries.Any(e => e.EventId.Id == 1 && e.Level == LogLevel.Information));
        Assert.DoesNotContain(_server.Logs.Entries, e => e.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Oversized_request_is_RESOURCE_EXHAUSTED_with_sizes()
    {
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 * 1024 * 1024]) };

        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(Unary, request).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("4194304", error.Status.Detail);
        Assert.Contains(request.CalculateSize().ToString(), error.Status.Detail);
    }

    [Fact]
    public async Task Oversized_response_is_RESOURCE_EXHAUSTED_on_the_client()
    {
        using var smallChannel = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 1024 });
        var request = new EchoRequest { Payload = ByteString.CopyFrom(new byte[4096]) };

        var error = await Assert.ThrowsAsync<RpcException>(() => smallChannel.UnaryAsync(Unary, request).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Large_messages_pass_when_the_receiver_allows_them_the_sender_has_no_limit()
    {
        await using var server = await GrpcTestServer.StartAsync(o => o.MaxReceiveMessageSize = null);
        using var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 8 * 1024 * 1024 });
        var payload = ByteString.CopyFrom(new byte[6 * 1024 * 1024]);

        var reply = await channel.UnaryAsync(Unary, new EchoRequest { Payload = payload }).WaitAsync(WaitLimit);

        Assert.Equal(payload.Length, reply.Payload.Length);
    }

    [Fact]
    public async Task Streaming_request_bodies_are_not_held_to_Kestrel_s_body_size_limit()
    {
        using var call = _channel.ClientStreaming(ClientStream);
        var chunk = ByteString.CopyFrom(new byte[4_000_000]);
        for (var i = 0; i < 8; i++) // 32 MB: over Kestrel's default 30,000,000-byte MaxRequestBodySize
        {
            await call.RequestStream.WriteAsync(new EchoRequest { Message = $"{i}", Payload = chunk }).WaitAsync(WaitLimit);
        }

        await call.RequestStream.CompleteAsync();

        Assert.Equal(8, (await call.ResponseAsync.WaitAsync(WaitLimit)).Index);
    }

    [Fact]
    public async Task A_failed_unary_call_shows_its_status_and_trailers()
    {
        using var call = _channel.Unary(Unary, new EchoRequest { StatusCode = (int)StatusCode.Aborted, StatusDetail = "try again" });

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(WaitLimit));

        Assert.Equal(new Status(StatusCode.Aborted, "try again"), call.GetStatus());
        Assert.Equal(error.Status, call.GetStatus());
        Assert.Equal("from-handler", call.GetTrailers().GetValue("x-error-info"));
        Assert.Equal("from-handler", (await call.ResponseHeadersAsync).GetValue("x-error-info")); // Trailers-Only: headers hold it all
    }

    [Fact]
    public async Task Connection_refused_is_UNAVAILABLE()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(Unary, new EchoRequest()).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + WaitLimit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "condition not met in time");
            await Task.Delay(20);
        }
    }
}
