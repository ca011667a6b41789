using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using Grpc.Testing;
using static AgentMesh.Interop.TestServiceMethods;

namespace AgentMesh.Interop.Client;

/// <summary>
/// Interop cases custom_metadata, status_code_and_message, special_status_message,
/// unimplemented_method and unimplemented_service.
/// </summary>
internal sealed class MetadataAndStatusCases(GrpcChannel channel)
{
    private const string EchoInitialKey = "x-grpc-test-echo-initial";
    private const string EchoInitialValue = "test_initial_metadata_value";
    private const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";
    private static readonly byte[] EchoTrailingValue = { 0xab, 0xab, 0xab };

    public async Task CustomMetadataAsync()
    {
        var options = new CallOptions(new Metadata { { EchoInitialKey, EchoInitialValue }, { EchoTrailingKey, EchoTrailingValue } });

        using (var unary = channel.Unary(UnaryCall, BasicCases.LargeUnaryRequest(), options))
        {
            Responses.ExpectPayload((await unary.ResponseAsync).Payload, 314159, "custom_metadata UnaryCall");
            ExpectEchoed(await unary.ResponseHeadersAsync, unary.GetTrailers(), "UnaryCall");
        }

        using var duplex = channel.DuplexStreaming(FullDuplexCall, options);
        await duplex.RequestStream.WriteAsync(BasicCases.PingPongRequest(271828, 314159));
        await duplex.RequestStream.CompleteAsync();
        var responses = await Responses.ReadAllAsync(duplex.ResponseStream);
        Responses.ExpectPayloads(responses, new[] { 314159 }, "custom_metadata FullDuplexCall");
        ExpectEchoed(await duplex.ResponseHeadersAsync, duplex.GetTrailers(), "FullDuplexCall");
    }

    public Task StatusCodeAndMessageAsync() => EchoStatusAsync("test status message", "status_code_and_message", alsoDuplex: true);

    public Task SpecialStatusMessageAsync()
        => EchoStatusAsync("\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n", "special_status_message", alsoDuplex: false);

    public Task UnimplementedMethodAsync() => InteropFailure.ExpectStatusAsync(
        () => channel.UnaryAsync(UnimplementedCall, new Empty()), StatusCode.Unimplemented, "unimplemented_method");

    public Task UnimplementedServiceAsync() => InteropFailure.ExpectStatusAsync(
        () => channel.UnaryAsync(UnimplementedServiceCall, new Empty()), StatusCode.Unimplemented, "unimplemented_service");

    /// <summary>Asks for status UNKNOWN with <paramref name="message"/> through UnaryCall (and FullDuplexCall) and checks both come back unchanged.</summary>
    private async Task EchoStatusAsync(string message, string testCase, bool alsoDuplex)
    {
        var status = new EchoStatus { Code = (int)StatusCode.Unknown, Message = message };
        var unary = await InteropFailure.ExpectStatusAsync(
            () => channel.UnaryAsync(UnaryCall, new SimpleRequest { ResponseSize = 1, Payload = Payloads.Zeros(1), ResponseStatus = status }),
            StatusCode.Unknown, $"{testCase} UnaryCall");
        ExpectDetail(unary, message, $"{testCase} UnaryCall");
        if (!alsoDuplex)
        {
            return;
        }

        var duplex = await InteropFailure.ExpectStatusAsync(async () =>
        {
            using var call = channel.DuplexStreaming(FullDuplexCall);
            var request = BasicCases.PingPongRequest(1, 1);
            request.ResponseStatus = status;
            await call.RequestStream.WriteAsync(request);
            await call.RequestStream.CompleteAsync();
            await Responses.ReadAllAsync(call.ResponseStream);
        }, StatusCode.Unknown, $"{testCase} FullDuplexCall");
        ExpectDetail(duplex, message, $"{testCase} FullDuplexCall");
    }

    private static void ExpectDetail(RpcException exception, string expected, string what)
        => InteropFailure.Unless(exception.Status.Detail == expected,
            $"{what}: expected status message {Quote(expected)}, got {Quote(exception.Status.Detail)}.");

    private static void ExpectEchoed(Metadata headers, Metadata trailers, string call)
    {
        var initial = headers.GetValue(EchoInitialKey);
        InteropFailure.Unless(initial == EchoInitialValue,
            $"custom_metadata {call}: expected response header {EchoInitialKey}={EchoInitialValue}, got {Quote(initial)}.");
        var trailing = trailers.GetValueBytes(EchoTrailingKey);
        InteropFailure.Unless(trailing is not null && trailing.AsSpan().SequenceEqual(EchoTrailingValue),
            $"custom_metadata {call}: expected trailer {EchoTrailingKey}=0xababab, got "
            + (trailing is null ? "none." : $"0x{Convert.ToHexString(trailing).ToLowerInvariant()}."));
    }

    private static string Quote(string? value) => value is null ? "none" : System.Text.Json.JsonSerializer.Serialize(value);
}
