using AgentMesh.InProcess;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.InProcess;

/// <summary>
/// In-process gRPC calls (AgentMesh.InProcess) against a real generated service (grpc.health.v1) whose
/// handlers a test scripts: the statuses, retries, call-context propagation, size limits, per-call scopes
/// and shutdown behaviour a caller sees are those of grpc-dotnet over HTTP/2.
/// </summary>
public sealed class InProcessCallInvokerTests : IAsyncLifetime
{
    private static readonly ServiceConfig RetryUnavailable = new()
    {
        MethodConfigs =
        {
            new MethodConfig
            {
                Names = { new MethodName { Service = Health.Descriptor.FullName } },
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = 3,
                    InitialBackoff = TimeSpan.FromMilliseconds(10),
                    MaxBackoff = TimeSpan.FromMilliseconds(50),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            },
        },
    };

    private IHost _host = null!;

    private Script Scripted => _host.Services.GetRequiredService<Script>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<Script>();
        builder.Services.AddScoped<ScopedProbe>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.Configure<GrpcServiceOptions>(o => o.MaxReceiveMessageSize = 1024);
        builder.Services.AddInProcessGrpcService<ScriptedHealth>(Health.Descriptor.FullName, b => Health.BindService(b, null));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private Health.HealthClient Client(InProcessCallSettings? settings = null)
        => new(_host.Services.CreateInProcessCallInvoker(settings ?? new InProcessCallSettings()));

    [Fact]
    public async Task Handler_failures_unknown_methods_and_trailers_map_to_gRPC_statuses()
    {
        var health = Client();

        var thrown = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "throws" }).ResponseAsync);
        var refused = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "refuses" }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => new Dapr.DurableTask.Protobuf.TaskHubSidecarService.TaskHubSidecarServiceClient(
            _host.Services.CreateInProcessCallInvoker(new InProcessCallSettings())).HelloAsync(new Google.Protobuf.WellKnownTypes.Empty()).ResponseAsync);
        using var watch = health.Watch(new HealthCheckRequest { Service = "streams" });
        var statuses = new List<HealthCheckResponse.Types.ServingStatus>();
        var streamEnd = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await watch.ResponseStream.MoveNext(CancellationToken.None))
                statuses.Add(watch.ResponseStream.Current.Status);
        });

        Assert.Equal((StatusCode.Unknown, "Exception was thrown by handler."), (thrown.StatusCode, thrown.Status.Detail));
        Assert.Equal((StatusCode.FailedPrecondition, "not today"), (refused.StatusCode, refused.Status.Detail));
        Assert.Equal("why", refused.Trailers.GetValue("reason"));
        Assert.Equal(StatusCode.Unimplemented, unknown.StatusCode);
        Assert.Equal([HealthCheckResponse.Types.ServingStatus.Serving, HealthCheckResponse.Types.ServingStatus.NotServing], statuses);
        Assert.Equal(StatusCode.Aborted, streamEnd.StatusCode);
    }

    [Fact]
    public async Task The_service_config_retries_UNAVAILABLE_up_to_its_attempts_and_nothing_else()
    {
        var health = Client(new InProcessCallSettings { ServiceConfig = RetryUnavailable });

        Scripted.FailuresLeft = 2;
        var recovered = await health.CheckAsync(new HealthCheckRequest { Service = "flaky" });
        var recoveredAttempts = Scripted.Attempts;
        Scripted.FailuresLeft = 5;
        var exhausted = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "flaky" }).ResponseAsync);
        var exhaustedAttempts = Scripted.Attempts - recoveredAttempts;
        var refused = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "refuses" }).ResponseAsync);
        var noPolicy = await Assert.ThrowsAsync<RpcException>(() => Client().CheckAsync(new HealthCheckRequest { Service = "flaky" }).ResponseAsync);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, recovered.Status);
        Assert.Equal(3, recoveredAttempts);
        Assert.Equal((StatusCode.Unavailable, 3), (exhausted.StatusCode, exhaustedAttempts));
        Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
        Assert.Equal(StatusCode.Unavailable, noPolicy.StatusCode);
        Assert.Equal(3 + 3 + 1 + 1, Scripted.Attempts);
    }

    [Fact]
    public async Task A_server_stream_is_retried_only_until_its_first_response()
    {
        var health = Client(new InProcessCallSettings { ServiceConfig = RetryUnavailable });

        Scripted.FailuresLeft = 1;
        using var early = health.Watch(new HealthCheckRequest { Service = "flaky" });
        Assert.True(await early.ResponseStream.MoveNext());
        Assert.False(await early.ResponseStream.MoveNext());
        var earlyAttempts = Scripted.Attempts;

        using var late = health.Watch(new HealthCheckRequest { Service = "fails-after-one" });
        Assert.True(await late.ResponseStream.MoveNext());
        var lateEnd = await Assert.ThrowsAsync<RpcException>(() => late.ResponseStream.MoveNext());

        Assert.Equal(2, earlyAttempts);
        Assert.Equal(StatusCode.Unavailable, lateEnd.StatusCode);
        Assert.Equal(StatusCode.Unavailable, late.GetStatus().StatusCode);
        Assert.Equal(earlyAttempts + 1, Scripted.Attempts);
    }

    [Fact]
    public async Task A_call_made_while_handling_a_call_inherits_its_deadline_and_cancellation()
    {
        var health = Client(new InProcessCallSettings { PropagateCallContext = true });
        var deadline = DateTime.UtcNow.AddMinutes(5);
        Scripted.Nested = Client(new InProcessCallSettings { PropagateCallContext = true });

        using var cancel = new CancellationTokenSource();
        var outer = health.CheckAsync(new HealthCheckRequest { Service = "nests" }, deadline: deadline, cancellationToken: cancel.Token);
        var nestedContext = await Scripted.NestedStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        cancel.Cancel();
        var outerEnd = await Assert.ThrowsAsync<RpcException>(() => outer.ResponseAsync);
        var nestedEnd = await Scripted.NestedEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(deadline, nestedContext.Deadline.ToUniversalTime());
        Assert.Equal(StatusCode.Cancelled, outerEnd.StatusCode);
        Assert.Equal(StatusCode.Cancelled, nestedEnd);
    }

    [Fact]
    public async Task Without_propagation_a_nested_call_keeps_its_own_deadline()
    {
        Scripted.Nested = Client();
        var outer = Client().CheckAsync(new HealthCheckRequest { Service = "nests" }, deadline: DateTime.UtcNow.AddMinutes(5));
        var nestedContext = await Scripted.NestedStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(DateTime.MaxValue, nestedContext.Deadline);
        Scripted.ReleaseNested.SetResult();
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await outer.ResponseAsync).Status);
    }

    [Fact]
    public async Task A_deadline_that_passes_during_the_call_is_DEADLINE_EXCEEDED()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Client().CheckAsync(new HealthCheckRequest { Service = "hangs" }, deadline: DateTime.UtcNow.AddMilliseconds(200)).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Messages_over_the_size_limits_are_RESOURCE_EXHAUSTED()
    {
        var tooLarge = await Assert.ThrowsAsync<RpcException>(() => Client().CheckAsync(new HealthCheckRequest { Service = new string('x', 2000) }).ResponseAsync);
        var tooLargeToSend = await Assert.ThrowsAsync<RpcException>(() => Client(new InProcessCallSettings { MaxSendMessageSize = 10 })
            .CheckAsync(new HealthCheckRequest { Service = "a-long-service-name" }).ResponseAsync);
        var responseTooLarge = await Assert.ThrowsAsync<RpcException>(() => Client(new InProcessCallSettings { MaxReceiveMessageSize = 1 })
            .CheckAsync(new HealthCheckRequest { Service = "ok" }).ResponseAsync);

        Assert.Equal((StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size."), (tooLarge.StatusCode, tooLarge.Status.Detail));
        Assert.Equal((StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size."), (tooLargeToSend.StatusCode, tooLargeToSend.Status.Detail));
        Assert.Equal(StatusCode.ResourceExhausted, responseTooLarge.StatusCode);
        Assert.Equal(1, Scripted.Attempts); // only the call whose response was too large reached the handler
    }

    [Fact]
    public async Task Each_call_gets_its_own_scope_and_service_instance()
    {
        var health = Client();

        await health.CheckAsync(new HealthCheckRequest { Service = "ok" });
        await health.CheckAsync(new HealthCheckRequest { Service = "ok" });

        Assert.Equal(2, Scripted.Scopes.Distinct().Count());
        Assert.Equal(2, Scripted.Services.Distinct().Count());
        Assert.All(Scripted.Scopes, probe => Assert.True(probe.Disposed));
    }

    [Fact]
    public async Task Calls_started_once_the_host_is_stopping_are_UNAVAILABLE_when_refused()
    {
        var refusing = Client(new InProcessCallSettings { RefuseWhenStopping = true });
        var accepting = Client();

        _host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        var refused = await Assert.ThrowsAsync<RpcException>(() => refusing.CheckAsync(new HealthCheckRequest { Service = "ok" }).ResponseAsync);
        var accepted = await accepting.CheckAsync(new HealthCheckRequest { Service = "ok" });

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, accepted.Status);
    }

    /// <summary>What the scripted handlers do and what they saw; one per host.</summary>
    private sealed class Script
    {
        public int FailuresLeft;
        public int Attempts;

        public List<ScopedProbe> Scopes { get; } = [];

        public List<object> Services { get; } = [];

        public Health.HealthClient? Nested { get; set; }

        public TaskCompletionSource<ServerCallContext> NestedStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<StatusCode> NestedEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseNested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class ScopedProbe : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    /// <summary>grpc.health.v1 handlers that behave as the requested service name says.</summary>
    private sealed class ScriptedHealth(Script script, ScopedProbe probe) : Health.HealthBase
    {
        private static readonly HealthCheckResponse Serving = new() { Status = HealthCheckResponse.Types.ServingStatus.Serving };

        public override async Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref script.Attempts);
            lock (script)
            {
                script.Scopes.Add(probe);
                script.Services.Add(this);
            }
            switch (request.Service)
            {
                case "refuses":
                    throw new RpcException(new Status(StatusCode.FailedPrecondition, "not today"), new Metadata { { "reason", "why" } });
                case "throws":
                    throw new InvalidOperationException("a bug in the handler");
                case "flaky" when Interlocked.Decrement(ref script.FailuresLeft) >= 0:
                    throw new RpcException(new Status(StatusCode.Unavailable, "try again"));
                case "hangs":
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    break;
                case "nests":
                    using (var watch = script.Nested!.Watch(new HealthCheckRequest { Service = "parks" }))
                    {
                        try
                        {
                            await watch.ResponseStream.MoveNext();
                        }
                        catch (RpcException e)
                        {
                            script.NestedEnded.TrySetResult(e.StatusCode);
                            throw;
                        }
                    }
                    break;
            }
            return Serving;
        }

        public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
        {
            switch (request.Service)
            {
                case "streams":
                    await responseStream.WriteAsync(Serving);
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.NotServing }, context.CancellationToken);
                    throw new RpcException(new Status(StatusCode.Aborted, "the stream ends here"));
                case "parks":
                    script.NestedStarted.TrySetResult(context);
                    await script.ReleaseNested.Task.WaitAsync(context.CancellationToken);
                    await responseStream.WriteAsync(Serving);
                    return;
            }
            Interlocked.Increment(ref script.Attempts);
            if (request.Service == "flaky" && Interlocked.Decrement(ref script.FailuresLeft) >= 0)
                throw new RpcException(new Status(StatusCode.Unavailable, "try again"));
            await responseStream.WriteAsync(Serving);
            if (request.Service == "fails-after-one")
                throw new RpcException(new Status(StatusCode.Unavailable, "gone after one"));
        }
    }
}
