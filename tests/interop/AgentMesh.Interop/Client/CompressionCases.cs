using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using Grpc.Testing;
using static AgentMesh.Interop.Client.Responses;
using static AgentMesh.Interop.TestServiceMethods;

namespace AgentMesh.Interop.Client;

/// <summary>
/// Interop cases client_compressed_unary, server_compressed_unary, client_compressed_streaming and
/// server_compressed_streaming. Response compressed flags are read off the wire by <paramref name="flags"/>.
/// </summary>
internal sealed class CompressionCases(GrpcChannel channel, CompressedFlagRecorder flags)
{
    private static readonly CallOptions Gzip = new(CompressionEncoding: "gzip");

    public async Task ClientCompressedUnaryAsync()
    {
        await InteropFailure.ExpectStatusAsync(
            () => channel.UnaryAsync(UnaryCall, ExpectCompressed(true)), StatusCode.InvalidArgument,
            "client_compressed_unary probe (uncompressed request, expect_compressed true)");

        var compressed = await channel.UnaryAsync(UnaryCall, ExpectCompressed(true), Gzip);
        ExpectPayload(compressed.Payload, 314159, "client_compressed_unary compressed call");

        var uncompressed = await channel.UnaryAsync(UnaryCall, ExpectCompressed(false));
        ExpectPayload(uncompressed.Payload, 314159, "client_compressed_unary uncompressed call");
    }

    public async Task ServerCompressedUnaryAsync()
    {
        foreach (var compress in new[] { true, false })
        {
            var request = BasicCases.LargeUnaryRequest();
            request.ResponseCompressed = new BoolValue { Value = compress };
            flags.Take();
            var response = await channel.UnaryAsync(UnaryCall, request);
            ExpectPayload(response.Payload, 314159, $"server_compressed_unary (response_compressed {compress})");
            ExpectFlags(new[] { compress }, $"server_compressed_unary (response_compressed {compress})");
        }
    }

    public async Task ClientCompressedStreamingAsync()
    {
        await InteropFailure.ExpectStatusAsync(async () =>
        {
            using var probe = channel.ClientStreaming(StreamingInputCall);
            await probe.RequestStream.WriteAsync(StreamingInput(27182, expectCompressed: true));
            await probe.RequestStream.CompleteAsync();
            await probe.ResponseAsync;
        }, StatusCode.InvalidArgument, "client_compressed_streaming probe (uncompressed message, expect_compressed true)");

        using var call = channel.ClientStreaming(StreamingInputCall, Gzip);
        await call.RequestStream.WriteAsync(StreamingInput(27182, expectCompressed: true));
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(StreamingInput(45904, expectCompressed: false));
        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        InteropFailure.Unless(response.AggregatedPayloadSize == 73086,
            $"client_compressed_streaming: expected aggregated_payload_size 73086, got {response.AggregatedPayloadSize}.");
    }

    public async Task ServerCompressedStreamingAsync()
    {
        var request = new StreamingOutputCallRequest
        {
            ResponseType = PayloadType.Compressable,
            ResponseParameters =
            {
                new ResponseParameters { Size = 31415, Compressed = new BoolValue { Value = true } },
                new ResponseParameters { Size = 92653, Compressed = new BoolValue { Value = false } },
            },
        };
        flags.Take();
        using var call = channel.ServerStreaming(StreamingOutputCall, request);
        var responses = await ReadAllAsync(call.ResponseStream);
        ExpectPayloads(responses, new[] { 31415, 92653 }, "server_compressed_streaming");
        ExpectFlags(new[] { true, false }, "server_compressed_streaming");
    }

    private static SimpleRequest ExpectCompressed(bool expected)
    {
        var request = BasicCases.LargeUnaryRequest();
        request.ExpectCompressed = new BoolValue { Value = expected };
        return request;
    }

    private static StreamingInputCallRequest StreamingInput(int size, bool expectCompressed) => new()
    {
        Payload = Payloads.Zeros(size),
        ExpectCompressed = new BoolValue { Value = expectCompressed },
    };

    private void ExpectFlags(bool[] expected, string what)
    {
        var seen = flags.Take();
        InteropFailure.Unless(seen.SequenceEqual(expected),
            $"{what}: expected response compressed flags [{Describe(expected)}], got [{Describe(seen)}].");
    }

    private static string Describe(IEnumerable<bool> values) => string.Join(", ", values.Select(v => v ? 1 : 0));
}
