namespace AgentMesh.TaskHub.Backend;

/// <summary>
/// Which instances (a turn in progress) and activities are taken by a worker, with their completion
/// tokens, held in memory. The store itself keeps no locks: one engine uses a store at a time and a
/// restart releases every lock anyway, so a lease needs no write and no fsync. A turn's lease ends at
/// its expiry unless its completion has begun; an activity's lasts until it completes or is abandoned.
/// </summary>
internal sealed class WorkItemLeases
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Token, long ExpiresAt)> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _activities = [];

    /// <summary>Instance leases held now (some may have expired).</summary>
    public int Instances
    {
        get
        {
            lock (_gate)
            {
                return _instances.Count;
            }
        }
    }

    /// <summary>Activity leases held now.</summary>
    public int Activities
    {
        get
        {
            lock (_gate)
            {
                return _activities.Count;
            }
        }
    }

    /// <summary>Takes the instance unless a lease on it is held and has not expired at <paramref name="now"/> (Unix ms).</summary>
    public bool TryTakeInstance(string instanceId, long now, long expiresAt, out string token)
    {
        lock (_gate)
        {
            if (_instances.TryGetValue(instanceId, out var held) && held.ExpiresAt >= now)
            {
                token = "";
                return false;
            }
            token = Guid.NewGuid().ToString("N");
            _instances[instanceId] = (token, expiresAt);
            return true;
        }
    }

    /// <summary>True when <paramref name="token"/> holds the instance; its lease then no longer expires (its completion is being committed).</summary>
    public bool BeginCompletion(string instanceId, string token)
    {
        lock (_gate)
        {
            if (!_instances.TryGetValue(instanceId, out var held) || held.Token != token)
                return false;
            _instances[instanceId] = (token, long.MaxValue);
            return true;
        }
    }

    /// <summary>Ends the lease of <paramref name="token"/> on the instance (nothing when another token holds it).</summary>
    public void ReleaseInstance(string instanceId, string token)
    {
        lock (_gate)
        {
            if (_instances.TryGetValue(instanceId, out var held) && held.Token == token)
                _instances.Remove(instanceId);
        }
    }

    public bool TryTakeActivity(long id, out string token)
    {
        lock (_gate)
        {
            token = Guid.NewGuid().ToString("N");
            return _activities.TryAdd(id, token);
        }
    }

    public bool HoldsActivity(long id, string token)
    {
        lock (_gate)
        {
            return _activities.TryGetValue(id, out var held) && held == token;
        }
    }

    public void ReleaseActivity(long id, string token)
    {
        lock (_gate)
        {
            if (_activities.TryGetValue(id, out var held) && held == token)
                _activities.Remove(id);
        }
    }
}
