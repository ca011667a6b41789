using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using Grpc.Testing;
using static AgentMesh.Interop.Client.Responses;
using static AgentMesh.Interop.TestServiceMethods;

namespace AgentMesh.Interop.Client;

/// <summary>Interop cases empty_unary, large_unary, client_streaming, server_streaming, ping_pong and empty_stream.</summary>
internal sealed class BasicCases(GrpcChannel channel)
{
    /// <summary>Request sizes of client_streaming and ping_pong, in order.</summary>
    public static readonly int[] RequestSizes = { 27182, 8, 1828, 45904 };

    /// <summary>Response sizes of server_streaming and ping_pong, in order.</summary>
    public static readonly int[] ResponseSizes = { 31415, 9, 2653, 58979 };

    public async Task EmptyUnaryAsync()
    {
        var response = await channel.UnaryAsync(EmptyCall, new Empty());
        InteropFailure.Unless(response is not null, "empty_unary: the response is null.");
    }

    public async Task LargeUnaryAsync()
    {
        var response = await channel.UnaryAsync(UnaryCall, LargeUnaryRequest());
        ExpectPayload(response.Payload, 314159, "large_unary response");
    }

    public async Task ClientStreamingAsync()
    {
        using var call = channel.ClientStreaming(StreamingInputCall);
        foreach (var size in RequestSizes)
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Payloads.Zeros(size) });
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        InteropFailure.Unless(response.AggregatedPayloadSize == 74922,
            $"client_streaming: expected aggregated_payload_size 74922, got {response.AggregatedPayloadSize}.");
    }

    public async Task ServerStreamingAsync()
    {
        var request = new StreamingOutputCallRequest { ResponseType = PayloadType.Compressable };
        request.ResponseParameters.AddRange(ResponseSizes.Select(size => new ResponseParameters { Size = size }));
        using var call = channel.ServerStreaming(StreamingOutputCall, request);
        var responses = await ReadAllAsync(call.ResponseStream);
        ExpectPayloads(responses, ResponseSizes, "server_streaming");
    }

    public async Task PingPongAsync()
    {
        using var call = channel.DuplexStreaming(FullDuplexCall);
        for (var i = 0; i < RequestSizes.Length; i++)
        {
            await call.RequestStream.WriteAsync(PingPongRequest(RequestSizes[i], ResponseSizes[i]));
            InteropFailure.Unless(await call.ResponseStream.MoveNext(), $"ping_pong: the response stream ended before response {i + 1}.");
            ExpectPayload(call.ResponseStream.Current.Payload, ResponseSizes[i], $"ping_pong response {i + 1}");
        }

        await call.RequestStream.CompleteAsync();
        InteropFailure.Unless(!await call.ResponseStream.MoveNext(), "ping_pong: more than four responses.");
    }

    public async Task EmptyStreamAsync()
    {
        using var call = channel.DuplexStreaming(FullDuplexCall);
        await call.RequestStream.CompleteAsync();
        InteropFailure.Unless(!await call.ResponseStream.MoveNext(), "empty_stream: expected no response, got one.");
    }

    /// <summary>The large_unary request: 271828 zero bytes, asking for 314159.</summary>
    public static SimpleRequest LargeUnaryRequest() => new()
    {
        ResponseType = PayloadType.Compressable,
        ResponseSize = 314159,
        Payload = Payloads.Zeros(271828),
    };

    /// <summary>A FullDuplexCall request carrying <paramref name="payloadSize"/> zero bytes and asking for one response of <paramref name="responseSize"/>.</summary>
    public static StreamingOutputCallRequest PingPongRequest(int payloadSize, int responseSize) => new()
    {
        ResponseType = PayloadType.Compressable,
        ResponseParameters = { new ResponseParameters { Size = responseSize } },
        Payload = Payloads.Zeros(payloadSize),
    };
}
