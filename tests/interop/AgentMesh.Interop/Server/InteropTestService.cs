using System.Globalization;
using AgentMesh.Grpc;
using Google.Protobuf;
using Grpc.Testing;
using Microsoft.Extensions.Logging;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace AgentMesh.Interop.Server;

/// <summary>
/// <c>grpc.testing.TestService</c> with the server features of the interop descriptions: EmptyCall,
/// UnaryCall, CacheableUnaryCall, StreamingOutputCall, StreamingInputCall, FullDuplexCall and
/// HalfDuplexCall; CompressedResponse, CompressedRequest, Echo Status, Echo Metadata and
/// ResponseParameters.interval_us. UnimplementedCall ends UNIMPLEMENTED.
/// </summary>
public sealed class InteropTestService(ILogger<InteropTestService> logger)
{
    /// <summary>Request header echoed back in the response headers (Echo Metadata).</summary>
    public const string EchoInitialKey = "x-grpc-test-echo-initial";

    /// <summary>Request header echoed back in the trailers (Echo Metadata).</summary>
    public const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";

    /// <summary>The <c>grpc.testing.TestService</c> descriptor (Debian's grpc-proto test.proto).</summary>
    public static ServiceDescriptor Descriptor => TestReflection.Descriptor.Services.Single(s => s.Name == "TestService");

    public async Task<Empty> EmptyCall(Empty request, ServerCallContext context)
    {
        await EchoMetadataAsync(context);
        return new Empty();
    }

    public async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        CompressionFeatures.CheckRequestCompression(request.ExpectCompressed, context);
        if (request.ResponseCompressed?.Value == true)
        {
            CompressionFeatures.UseGzip(context);
        }

        await EchoMetadataAsync(context);
        EchoStatus(request.ResponseStatus);
        CheckResponseType(request.ResponseType);
        return new SimpleResponse { Payload = Payloads.Zeros(request.ResponseSize) };
    }

    /// <summary>Answers with the current time in nanoseconds and cache-control headers that let a caching proxy keep it 60 s.</summary>
    public async Task<SimpleResponse> CacheableUnaryCall(SimpleRequest request, ServerCallContext context)
    {
        await context.WriteResponseHeadersAsync(new Metadata { { "cache-control", "max-age=60, public" } });
        var nanoseconds = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        return new SimpleResponse
        {
            Payload = new Payload { Type = PayloadType.Compressable, Body = ByteString.CopyFromUtf8(nanoseconds.ToString(CultureInfo.InvariantCulture)) },
        };
    }

    public Task StreamingOutputCall(
        StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
        => WatchAsync(context, async () =>
        {
            await StartStreamingResponseAsync(context);
            await RespondAsync(request, responseStream, context);
        });

    public Task<StreamingInputCallResponse> StreamingInputCall(
        IAsyncStreamReader<StreamingInputCallRequest> requestStream, ServerCallContext context)
        => WatchAsync(context, async () =>
        {
            var total = 0;
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                CompressionFeatures.CheckRequestCompression(requestStream.Current.ExpectCompressed, context);
                total += requestStream.Current.Payload?.Body.Length ?? 0;
            }

            return new StreamingInputCallResponse { AggregatedPayloadSize = total };
        });

    /// <summary>Answers each request as it arrives (a reply goes out before the request stream ends).</summary>
    public Task FullDuplexCall(
        IAsyncStreamReader<StreamingOutputCallRequest> requestStream,
        IServerStreamWriter<StreamingOutputCallResponse> responseStream,
        ServerCallContext context)
        => WatchAsync(context, async () =>
        {
            await StartStreamingResponseAsync(context);
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                await RespondAsync(requestStream.Current, responseStream, context);
            }
        });

    /// <summary>Reads every request first, then answers them in order.</summary>
    public Task HalfDuplexCall(
        IAsyncStreamReader<StreamingOutputCallRequest> requestStream,
        IServerStreamWriter<StreamingOutputCallResponse> responseStream,
        ServerCallContext context)
        => WatchAsync(context, async () =>
        {
            await StartStreamingResponseAsync(context);
            var requests = new List<StreamingOutputCallRequest>();
            while (await requestStream.MoveNext(context.CancellationToken))
            {
                requests.Add(requestStream.Current);
            }

            foreach (var request in requests)
            {
                await RespondAsync(request, responseStream, context);
            }
        });

    /// <summary>The method no server implements (interop case unimplemented_method).</summary>
    public Task<Empty> UnimplementedCall(Empty request, ServerCallContext context)
        => throw new RpcException(StatusCode.Unimplemented, $"{context.Method} is not implemented by this server.");

    /// <summary>Announces gzip (each message then picks its compressed flag) and echoes metadata, sending the response headers.</summary>
    private static async Task StartStreamingResponseAsync(ServerCallContext context)
    {
        CompressionFeatures.UseGzip(context);
        await EchoMetadataAsync(context);
    }

    /// <summary>Echo Status, then one response per ResponseParameters, each after its interval and compressed as asked.</summary>
    private static async Task RespondAsync(
        StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        EchoStatus(request.ResponseStatus);
        CheckResponseType(request.ResponseType);
        foreach (var parameters in request.ResponseParameters)
        {
            if (parameters.IntervalUs > 0)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(parameters.IntervalUs), context.CancellationToken);
            }

            CompressionFeatures.CompressNext(responseStream, parameters.Compressed?.Value == true);
            await responseStream.WriteAsync(new StreamingOutputCallResponse { Payload = Payloads.Zeros(parameters.Size) }, context.CancellationToken);
        }
    }

    /// <summary>Echo Metadata: the initial value goes back in response headers (sent now), the trailing one in trailers.</summary>
    private static async Task EchoMetadataAsync(ServerCallContext context)
    {
        if (context.RequestHeaders.GetValueBytes(EchoTrailingKey) is { } trailing)
        {
            context.ResponseTrailers.Add(EchoTrailingKey, trailing);
        }

        if (context.RequestHeaders.GetValue(EchoInitialKey) is { } initial)
        {
            await context.WriteResponseHeadersAsync(new Metadata { { EchoInitialKey, initial } });
        }
    }

    /// <summary>Echo Status: a request carrying a non-OK <c>response_status</c> ends the call with it.</summary>
    private static void EchoStatus(EchoStatus? status)
    {
        if (status is { Code: not 0 })
        {
            throw new RpcException((StatusCode)status.Code, status.Message);
        }
    }

    private static void CheckResponseType(PayloadType type)
    {
        if (type != PayloadType.Compressable)
        {
            throw new RpcException(StatusCode.InvalidArgument, $"response_type {type} is not supported; this server sends COMPRESSABLE payloads only.");
        }
    }

    /// <summary>Runs a streaming handler, logging its start and, when it stops because its call was cancelled or timed out, its deadline.</summary>
    private async Task<T> WatchAsync<T>(ServerCallContext context, Func<Task<T>> body)
    {
        InteropServerLog.HandlerStarted(logger, context.Method);
        try
        {
            return await body();
        }
        catch (Exception) when (context.CancellationToken.IsCancellationRequested)
        {
            InteropServerLog.HandlerCancelled(logger, context.Method, context.Deadline);
            throw;
        }
    }

    private Task WatchAsync(ServerCallContext context, Func<Task> body)
        => WatchAsync(context, async () =>
        {
            await body();
            return true;
        });
}
