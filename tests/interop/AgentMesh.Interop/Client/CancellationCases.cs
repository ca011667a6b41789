using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;
using Grpc.Testing;
using static AgentMesh.Interop.TestServiceMethods;

namespace AgentMesh.Interop.Client;

/// <summary>Interop cases cancel_after_begin, cancel_after_first_response and timeout_on_sleeping_server.</summary>
internal sealed class CancellationCases(GrpcChannel channel)
{
    public async Task CancelAfterBeginAsync()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = channel.ClientStreaming(StreamingInputCall, new CallOptions(CancellationToken: cancellation.Token));
        await cancellation.CancelAsync();
        await InteropFailure.ExpectStatusAsync(() => call.ResponseAsync, StatusCode.Cancelled, "cancel_after_begin");
    }

    public async Task CancelAfterFirstResponseAsync()
    {
        using var cancellation = new CancellationTokenSource();
        using var call = channel.DuplexStreaming(FullDuplexCall, new CallOptions(CancellationToken: cancellation.Token));
        await call.RequestStream.WriteAsync(BasicCases.PingPongRequest(27182, 31415));
        InteropFailure.Unless(await call.ResponseStream.MoveNext(), "cancel_after_first_response: the call ended before its first response.");
        await cancellation.CancelAsync();
        await InteropFailure.ExpectStatusAsync(() => call.ResponseStream.MoveNext(), StatusCode.Cancelled, "cancel_after_first_response");
    }

    public async Task TimeoutOnSleepingServerAsync()
    {
        using var call = channel.DuplexStreaming(FullDuplexCall, new CallOptions(Deadline: DateTime.UtcNow.AddMilliseconds(1)));
        await InteropFailure.ExpectStatusAsync(async () =>
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Payloads.Zeros(27182) });
            await call.ResponseStream.MoveNext();
        }, StatusCode.DeadlineExceeded, "timeout_on_sleeping_server");
    }
}
