using AgentMesh.State;

namespace AgentMesh.Tests.State;

/// <summary>Creates the store under test and cleans up after it; one per test class instance.</summary>
public abstract class StateStoreTarget : IDisposable
{
    private readonly List<IDisposable> _opened = [];

    public ManualTimeProvider Clock { get; } = new();

    public IStateStore Open() => Track(Create());

    /// <summary>Closes every store opened so far and opens a fresh one over the same data.</summary>
    public IStateStore Reopen()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        _opened.Clear();
        return Open();
    }

    public virtual void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }
    }

    protected abstract IStateStore Create();

    private IStateStore Track(IStateStore store)
    {
        if (store is IDisposable disposable)
        {
            _opened.Add(disposable);
        }

        return store;
    }
}

/// <summary>SQLite on a real file in a temp folder.</summary>
public sealed class SqliteFileTarget : StateStoreTarget
{
    private readonly string _folder = Directory.CreateTempSubdirectory("agentmesh-state-").FullName;

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    protected override IStateStore Create() => new SqliteStateStore(Path.Combine(_folder, "sub", "state.db"), Clock);
}

/// <summary>SQLite in memory (one open connection).</summary>
public sealed class SqliteMemoryTarget : StateStoreTarget
{
    protected override IStateStore Create() => new SqliteStateStore(SqliteStateStore.InMemoryPath, Clock);
}
