using AgentMesh.Grpc.Server;
using Google.Protobuf.Reflection;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>
/// The services mapped so far; registered by <c>AddGrpcServer</c>, so its presence also
/// proves that <c>AddGrpcServer</c> ran.
/// </summary>
internal sealed class GrpcServiceRegistry : IGrpcServiceCatalog
{
    private readonly Dictionary<string, ServiceDescriptor> _byName = new(StringComparer.Ordinal);
    private readonly List<ServiceDescriptor> _services = new();
    private readonly object _gate = new();

    public IReadOnlyList<ServiceDescriptor> Services
    {
        get
        {
            lock (_gate)
            {
                return _services.ToArray();
            }
        }
    }

    public void AddService(ServiceDescriptor service)
    {
        lock (_gate)
        {
            if (_byName.TryAdd(service.FullName, service))
            {
                _services.Add(service);
            }
        }
    }

    public bool Contains(string fullName)
    {
        lock (_gate)
        {
            return _byName.ContainsKey(fullName);
        }
    }
}
