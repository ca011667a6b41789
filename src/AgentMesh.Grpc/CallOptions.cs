namespace AgentMesh.Grpc;

/// <summary>Per-call options of a client call.</summary>
/// <param name="Headers">Custom metadata sent as request headers; null sends none.</param>
/// <param name="Deadline">When the call times out (UTC), sent as <c>grpc-timeout</c>; null means no deadline.</param>
/// <param name="CancellationToken">Cancels the call (the server sees CANCELLED).</param>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default);

/// <summary>Deadline and cancellation propagation from an incoming call to the calls it makes.</summary>
public static class CallPropagation
{
    /// <summary>Options carrying <paramref name="context"/>'s deadline (none when it has none) and cancellation.</summary>
    public static CallOptions ToDownstreamOptions(this ServerCallContext context) => new(
        Deadline: context.Deadline == DateTime.MaxValue ? null : context.Deadline,
        CancellationToken: context.CancellationToken);
}
