using AgentMesh.Grpc.Health.V1;
using AgentMesh.Grpc.Server;
using Microsoft.Extensions.Hosting;
using ServingStatus = AgentMesh.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AgentMesh.Grpc.Health;

/// <summary>
/// The serving status of each service name that <c>grpc.health.v1.Health</c> reports; the empty
/// name stands for the whole server. Every mapped service and the empty name are NOT_SERVING until
/// the host has started, SERVING once it has, and NOT_SERVING from <c>ApplicationStopping</c> on.
/// <see cref="SetStatus"/> overrides that for one name (e.g. NOT_SERVING until a service's store is
/// open) until <see cref="ClearStatus"/>; shutdown overrides everything. Thread-safe; registered as
/// a singleton by <c>AddGrpcHealth</c>.
/// </summary>
public sealed class ServerHealth : IDisposable
{
    private readonly IGrpcServiceCatalog _catalog;
    private readonly Dictionary<string, ServingStatus> _explicit = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly CancellationTokenRegistration _started;
    private readonly CancellationTokenRegistration _stopping;
    private TaskCompletionSource _changed = NewSignal();
    private bool _isStarted;
    private bool _isStopping;

    public ServerHealth(IGrpcServiceCatalog catalog, IHostApplicationLifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _started = lifetime.ApplicationStarted.Register(() => Change(() => _isStarted = true));
        _stopping = lifetime.ApplicationStopping.Register(() => Change(() => _isStopping = true));
    }

    /// <summary>True from <c>ApplicationStopping</c> on: every known name is NOT_SERVING for good.</summary>
    public bool IsStopping
    {
        get
        {
            lock (_gate)
            {
                return _isStopping;
            }
        }
    }

    /// <summary>
    /// The status of <paramref name="service"/> (a full service name such as
    /// <c>agentmesh.v1.State</c>, or "" for the server), or null when the name is unknown: neither
    /// mapped nor set.
    /// </summary>
    public ServingStatus? GetStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_gate)
        {
            var known = _explicit.TryGetValue(service, out var set);
            if (!known && service.Length > 0 && !_catalog.Contains(service))
            {
                return null;
            }

            if (_isStopping)
            {
                return ServingStatus.NotServing;
            }

            return known ? set : _isStarted ? ServingStatus.Serving : ServingStatus.NotServing;
        }
    }

    /// <summary>
    /// Reports <paramref name="status"/> for <paramref name="service"/> (any name; "" is the server)
    /// until cleared or changed; watchers see the change. Ignored once the host is stopping. Throws
    /// <see cref="ArgumentOutOfRangeException"/> for SERVICE_UNKNOWN, which only Watch reports.
    /// </summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (status is not (ServingStatus.Serving or ServingStatus.NotServing or ServingStatus.Unknown))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "SERVICE_UNKNOWN is reported by Watch for unknown names; it cannot be set.");
        }

        Change(() => _explicit[service] = status);
    }

    /// <summary>Drops the status set for <paramref name="service"/>: a mapped service (or "") follows the host again, any other name becomes unknown.</summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        Change(() => _explicit.Remove(service));
    }

    public void Dispose()
    {
        _started.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Completes at the next change of any status (capture it before reading the status it guards).</summary>
    internal Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    private void Change(Action change)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            change();
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
