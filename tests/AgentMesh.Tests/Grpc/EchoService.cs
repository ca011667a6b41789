using System.Collections.Concurrent;
using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Protos;
using Google.Protobuf;

namespace AgentMesh.Tests.Grpc;

/// <summary>Where <see cref="EchoService"/> reports how a handler ended, keyed by <c>probe_key</c>.</summary>
public sealed class EchoProbe
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _outcomes = new();

    public void Report(string key, string outcome)
    {
        if (key.Length > 0)
        {
            Slot(key).TrySetResult(outcome);
        }
    }

    public Task<string> OutcomeAsync(string key) => Slot(key).Task.WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Completes once the handler of the call with this <c>probe_key</c> begins waiting (<c>delay_ms</c>).</summary>
    public Task WaitingAsync(string key) => Slot(key + "/waiting").Task.WaitAsync(TimeSpan.FromSeconds(30));

    private TaskCompletionSource<string> Slot(string key)
        => _outcomes.GetOrAdd(key, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>The test service: echoes messages and metadata, fails or waits on request.</summary>
public sealed class EchoService(EchoProbe probe)
{
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => EchoReflection.Descriptor.Services.Single(s => s.Name == "Echo");

    public async Task<EchoReply> Unary(EchoRequest request, ServerCallContext context)
    {
        UseResponseCompression(request, context);
        if (context.RequestHeaders.GetValue("x-send-header") is { } value)
        {
            await context.WriteResponseHeadersAsync(new Metadata { { "x-header", value } });
        }

        await PrepareAsync(request, context);
        return Reply(request, 0, context);
    }

    public async Task ServerStream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        UseResponseCompression(request, context);
        if (request.Count == 0)
        {
            await PrepareAsync(request, context);
        }

        for (var i = 0; i < request.Count; i++)
        {
            var flags = (request.AlternateNoCompress && i % 2 == 1 ? WriteFlags.NoCompress : WriteFlags.None)
                | (request.BufferReplies ? WriteFlags.BufferHint : WriteFlags.None);
            responseStream.WriteOptions = new WriteOptions(flags);
            await responseStream.WriteAsync(Reply(request, i, context));
            if (i == 0)
            {
                await PrepareAsync(request, context);
            }
        }
    }

    public Task<EchoReply> IdempotentUnary(EchoRequest request, ServerCallContext context) => Unary(request, context);

    public Task ReadOnlyStream(EchoRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
        => ServerStream(request, responseStream, context);

    public async Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        var parts = new List<string>();
        await foreach (var request in requestStream.ReadAllAsync())
        {
            parts.Add(context.RequestMessageCompressed ? request.Message + ":gz" : request.Message);
        }

        return new EchoReply { Message = string.Join(",", parts), Index = parts.Count };
    }

    public async Task Duplex(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        var index = 0;
        await foreach (var request in requestStream.ReadAllAsync())
        {
            await PrepareAsync(request, context);
            await responseStream.WriteAsync(new EchoReply
            {
                Message = request.Message, Index = index++, RequestCompressed = context.RequestMessageCompressed,
            });
        }
    }

    private async Task PrepareAsync(EchoRequest request, ServerCallContext context)
    {
        EchoMetadata(context);
        if (request.DelayMs > 0)
        {
            probe.Report(request.ProbeKey.Length > 0 ? request.ProbeKey + "/waiting" : "", "waiting");
            try
            {
                if (request.Message == "wait-on-token")
                {
                    // Ends inside the token's cancellation callback (the continuation runs inline).
                    var cancelled = new TaskCompletionSource();
                    using var registration = context.CancellationToken.Register(() => cancelled.TrySetCanceled(context.CancellationToken));
                    await cancelled.Task;
                }
                else
                {
                    await Task.Delay(request.DelayMs, context.CancellationToken);
                }
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                probe.Report(request.ProbeKey, $"cancelled deadline-set={context.Deadline != DateTime.MaxValue}");
                throw;
            }
        }

        probe.Report(request.ProbeKey, "completed");
        if (request.Message == "throw")
        {
            throw new InvalidOperationException("secret handler detail");
        }

        if (request.StatusCode != 0)
        {
            var trailers = new Metadata { { "x-error-info", "from-handler" }, { "x-error-bin", new byte[] { 1, 2, 3 } } };
            throw new RpcException(new Status((StatusCode)request.StatusCode, request.StatusDetail), trailers);
        }
    }

    private static void UseResponseCompression(EchoRequest request, ServerCallContext context)
    {
        if (request.ResponseCompression.Length > 0)
        {
            context.ResponseCompressionEncoding = request.ResponseCompression;
        }
    }

    /// <summary>Copies request metadata starting with <c>x-</c> to the response trailers.</summary>
    private static void EchoMetadata(ServerCallContext context)
    {
        foreach (var entry in context.RequestHeaders.Where(e => e.Key.StartsWith("x-", StringComparison.Ordinal)))
        {
            if (entry.IsBinary)
            {
                context.ResponseTrailers.Add(entry.Key, entry.ValueBytes!);
            }
            else
            {
                context.ResponseTrailers.Add(entry.Key, entry.Value!);
            }
        }
    }

    private static EchoReply Reply(EchoRequest request, int index, ServerCallContext context)
    {
        var reply = new EchoReply
        {
            Message = request.Message, Index = index, Payload = request.Payload, RequestCompressed = context.RequestMessageCompressed,
            Deadline = context.Deadline == DateTime.MaxValue ? "" : context.Deadline.ToString("O"),
        };
        foreach (var entry in context.RequestHeaders)
        {
            reply.Metadata.Add($"{entry.Key}={(entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes!) : entry.Value)}");
        }

        return reply;
    }
}
