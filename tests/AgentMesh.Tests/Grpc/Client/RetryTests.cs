using System.Net;
using System.Net.Sockets;
using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using AgentMesh.Tests.Grpc.Interceptors;
using AgentMesh.Tests.Grpc.Protos;
using Xunit;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc.Client;

/// <summary>Client retries of UNAVAILABLE against a real server that fails on purpose (attempts counted server-side).</summary>
public sealed class RetryTests : IAsyncLifetime
{
    private static readonly RetryPolicy Quick = new() { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(50) };

    private readonly FlakyServerInterceptor _flaky = new();
    private GrpcTestServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await GrpcTestServer.StartAsync(options => options.Interceptors.Add(_flaky));
        _channel = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions { RetryPolicy = Quick });
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_idempotent_unary_call_is_retried_after_UNAVAILABLE_with_the_previous_attempt_count()
    {
        var reply = await _channel.UnaryAsync(IdempotentUnary, new EchoRequest { Message = "third time" }, Failing("twice", 2)).WaitAsync(WaitLimit);

        Assert.Equal("third time", reply.Message);
        Assert.Equal(new[] { "-", "1", "2" }, _flaky.AttemptsOf("twice"));
        Assert.Contains("grpc-previous-rpc-attempts=2", reply.Metadata);
    }

    [Fact]
    public async Task A_method_without_an_idempotency_level_is_not_retried()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.UnaryAsync(Unary, new EchoRequest(), Failing("once", 1)).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(new[] { "-" }, _flaky.AttemptsOf("once"));
    }

    [Fact]
    public async Task Attempts_stop_at_MaxAttempts_capped_at_five()
    {
        using var channel = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions
        {
            RetryPolicy = new RetryPolicy { MaxAttempts = 10, InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(20) },
        });

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(IdempotentUnary, new EchoRequest(), Failing("always", 100)).WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("attempt 5 of 100 planned failures", error.Status.Detail);
        Assert.Equal(new[] { "-", "1", "2", "3", "4" }, _flaky.AttemptsOf("always"));
    }

    [Fact]
    public async Task Without_a_policy_nothing_is_retried()
    {
        using var channel = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions { RetryPolicy = null });

        await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(IdempotentUnary, new EchoRequest(), Failing("no-policy", 1)).WaitAsync(WaitLimit));

        Assert.Equal(new[] { "-" }, _flaky.AttemptsOf("no-policy"));
    }

    [Fact]
    public async Task A_server_stream_is_retried_before_its_first_response_but_not_after()
    {
        using var retried = _channel.ServerStreaming(ReadOnlyStream, new EchoRequest { Message = "s", Count = 2 }, Failing("before", 1));
        var messages = await retried.ResponseStream.ReadAllAsync().Select(r => r.Message + r.Index).ToListAsync().AsTask().WaitAsync(WaitLimit);
        var headers = await retried.ResponseHeadersAsync.WaitAsync(WaitLimit);

        using var committed = _channel.ServerStreaming(ReadOnlyStream,
            new EchoRequest { Message = "m", Count = 2, StatusCode = (int)StatusCode.Unavailable }, Failing("after", 0));
        Assert.True(await committed.ResponseStream.MoveNext().WaitAsync(WaitLimit));
        var error = await Assert.ThrowsAsync<RpcException>(() => committed.ResponseStream.MoveNext().WaitAsync(WaitLimit));

        Assert.Equal(new[] { "s0", "s1" }, messages);
        Assert.Equal(StatusCode.OK, retried.GetStatus().StatusCode);
        Assert.NotNull(headers);
        Assert.Equal(new[] { "-", "1" }, _flaky.AttemptsOf("before"));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(new[] { "-" }, _flaky.AttemptsOf("after"));
    }

    [Fact]
    public async Task No_retry_starts_after_the_deadline()
    {
        using var channel = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions
        {
            RetryPolicy = new RetryPolicy { InitialBackoff = TimeSpan.FromHours(1), MaxBackoff = TimeSpan.FromHours(1) },
        });
        var options = Failing("deadline", 100) with { Deadline = DateTime.UtcNow.AddSeconds(2) };

        // A backoff drawn from [0, 1 h) almost surely ends past the deadline: the call ends at once with
        // the last status instead of waiting; on the rare short draw the next attempt still starts in time.
        var error = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(IdempotentUnary, new EchoRequest(), options).WaitAsync(WaitLimit));

        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.DeadlineExceeded });
        Assert.InRange(_flaky.AttemptsOf("deadline").Count, 1, 5);
    }

    [Fact]
    public async Task Cancelling_during_the_backoff_ends_the_call_CANCELLED()
    {
        using var channel = GrpcChannel.ForAddress(_server.Address, new GrpcChannelOptions
        {
            RetryPolicy = new RetryPolicy { InitialBackoff = TimeSpan.FromHours(1), MaxBackoff = TimeSpan.FromHours(1) },
        });
        using var cancellation = new CancellationTokenSource();
        var call = channel.UnaryAsync(IdempotentUnary, new EchoRequest(), Failing("cancel", 100) with { CancellationToken = cancellation.Token });
        await Eventually.TrueAsync(() => _flaky.AttemptsOf("cancel").Count == 1);

        cancellation.Cancel();
        var error = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(WaitLimit));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Single(_flaky.AttemptsOf("cancel"));
    }

    [Fact]
    public async Task A_call_to_a_server_that_is_down_succeeds_once_it_comes_up()
    {
        var port = FreePort();
        var serverUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var handler = new AttemptGate(serverUp.Task);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions { HttpHandler = handler, RetryPolicy = Quick });

        var call = channel.UnaryAsync(IdempotentUnary, new EchoRequest { Message = "late" }, Failing("down", 0));
        var refused = await handler.FirstFailure.WaitAsync(WaitLimit);
        var flaky = new FlakyServerInterceptor();
        await using var server = await GrpcTestServer.StartAsync(options => options.Interceptors.Add(flaky), port: port);
        serverUp.SetResult();
        var reply = await call.WaitAsync(WaitLimit);

        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(refused.InnerException).SocketErrorCode);
        Assert.Equal("late", reply.Message);
        Assert.Equal(new[] { "1" }, flaky.AttemptsOf("down"));
    }

    private static CallOptions Failing(string key, int failures)
        => new(new Metadata { { "x-call-key", key }, { "x-fail-attempts", failures.ToString(System.Globalization.CultureInfo.InvariantCulture) } });

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }


    /// <summary>Passes requests to a real socket handler; records the first failure and holds the second attempt until the server is up.</summary>
    private sealed class AttemptGate(Task serverUp) : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly TaskCompletionSource<HttpRequestException> _firstFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _attempts;

        public Task<HttpRequestException> FirstFailure => _firstFailure.Task;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) > 1)
            {
                await serverUp.WaitAsync(cancellationToken);
            }

            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                _firstFailure.TrySetResult(e);
                throw;
            }
        }
    }
}
