namespace AgentMesh.Grpc;

/// <summary>Per-call options of a client call.</summary>
/// <param name="Headers">Custom metadata sent as request headers; null sends none.</param>
/// <param name="Deadline">When the call times out (UTC), sent as <c>grpc-timeout</c>; null means no deadline.</param>
/// <param name="CancellationToken">Cancels the call (the server sees CANCELLED).</param>
/// <param name="CompressionEncoding">
/// Encoding of the request messages: <c>"gzip"</c> compresses them and sends <c>grpc-encoding: gzip</c>;
/// <c>"identity"</c> sends them uncompressed; null uses <see cref="Client.GrpcChannelOptions.CompressionEncoding"/>.
/// Any other value makes the call throw <see cref="ArgumentException"/>.
/// </param>
/// <param name="WriteOptions">
/// Write options of the request messages (e.g. <see cref="WriteFlags.NoCompress"/>); for streaming calls the
/// initial <see cref="IClientStreamWriter{T}.WriteOptions"/>. Null means <see cref="WriteFlags.None"/>.
/// </param>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default,
    string? CompressionEncoding = null,
    WriteOptions? WriteOptions = null);

/// <summary>Deadline and cancellation propagation from an incoming call to the calls it makes.</summary>
public static class CallPropagation
{
    /// <summary>Options carrying <paramref name="context"/>'s deadline (none when it has none) and cancellation.</summary>
    public static CallOptions ToDownstreamOptions(this ServerCallContext context) => new(
        Deadline: context.Deadline == DateTime.MaxValue ? null : context.Deadline,
        CancellationToken: context.CancellationToken);
}
