namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// The services and paths mapped so far; registered by <c>AddGrpcServer</c>, so its presence also
/// proves that <c>AddGrpcServer</c> ran.
/// </summary>
internal sealed class GrpcServiceRegistry
{
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public void AddService(string fullName)
    {
        lock (_gate)
        {
            _services.Add(fullName);
        }
    }

    public bool HasService(string fullName)
    {
        lock (_gate)
        {
            return _services.Contains(fullName);
        }
    }
}
