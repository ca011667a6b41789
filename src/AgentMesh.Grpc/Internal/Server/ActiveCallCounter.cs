namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// The number of server calls of one host in flight: a call counts from the moment its
/// <see cref="ServerCall"/> is created until it is disposed after the handler returned. Zero when
/// the host is idle; anything left over is a leaked call.
/// </summary>
internal sealed class ActiveCallCounter
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);

    public void Decrement() => Interlocked.Decrement(ref _count);
}
