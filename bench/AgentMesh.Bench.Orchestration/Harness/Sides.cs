using System.Diagnostics;

namespace AgentMesh.Bench.Orchestration.Harness;

/// <summary>Where a side's processes run: the repository, a fresh data folder, and free ports for its hosts (the first is the one the runner calls).</summary>
internal sealed record SideContext(string Repo, string Data, IReadOnlyList<int> Ports)
{
    public int Port => Ports[0];

    public string Address(int i) => $"http://127.0.0.1:{Ports[i]}";

    public string Workload => Path.Combine(Repo, "bench/orchestration/workload");

    public string BenchDll => typeof(SideContext).Assembly.Location;
}

/// <summary>
/// One side of the comparison: its host processes, each with a label (AgentMesh's, which the runner
/// drives over gRPC; none for the others), the runner (bench/orchestration/workload/WORKLOAD.md's
/// contract) and whether the hosts or the runner hold the durable stores (the processes whose fsyncs are counted).
/// </summary>
internal sealed record SideSpec(string Name, string What, Func<SideContext, IReadOnlyList<(string Label, ProcessStartInfo Start)>> Hosts, Func<SideContext, ProcessStartInfo> Runner, bool StoreInHost)
{
    private static readonly Func<SideContext, IReadOnlyList<(string, ProcessStartInfo)>> NoHosts = _ => [];

    /// <summary>The sides, in the order of the report.</summary>
    public static IReadOnlyList<SideSpec> All { get; } =
    [
        new("floor", "the 12 tool calls in the DAG's shape, straight to the MCP server (Node, @modelcontextprotocol/sdk)", NoHosts,
            c => Command("node", Path.Combine(c.Repo, "bench/orchestration/floor/floor.mjs")), StoreInHost: false),
        new("agentmesh", "all-in-one host (`agentmesh up`, embedded task hub and State on SQLite), driven over gRPC by a client process",
            c => [("host", WithWorkloadSettings(Command("dotnet", Path.Combine(c.Repo, "cli/bin/Release/net10.0/agentmesh.dll"), "up", "--port", c.Port.ToString(), "--data", c.Data,
                "--mcp-config", Path.Combine(c.Repo, "bench/orchestration/agentmesh/mcp.json"),
                "--cassette", Path.Combine(c.Repo, "bench/orchestration/agentmesh/cassette.json"), "--workspace", c.Workload)))],
            c => Command("dotnet", c.BenchDll, "client", "--address", c.Address(0)), StoreInHost: true),
        new("agentmesh-multi", "the five services as processes (services/*/Program.cs), wired by Mesh__* addresses, driven over gRPC by a client process",
            MultiProcess, c => Command("dotnet", c.BenchDll, "client", "--address", c.Address(0)), StoreInHost: true),
        new("langgraph-normal", "LangGraph.js + SqliteSaver, WAL, synchronous=NORMAL (its default)", NoHosts,
            c => Command("node", Path.Combine(c.Repo, "bench/orchestration/langgraph/langgraph.mjs"), "--synchronous", "NORMAL"), StoreInHost: false),
        new("langgraph-full", "LangGraph.js + SqliteSaver, WAL, synchronous=FULL", NoHosts,
            c => Command("node", Path.Combine(c.Repo, "bench/orchestration/langgraph/langgraph.mjs"), "--synchronous", "FULL"), StoreInHost: false),
        new("maf", "Microsoft Agent Framework (Microsoft.Agents.AI.Workflows 1.28.0) with its file checkpoint store", NoHosts,
            c => Command("dotnet", Path.Combine(c.Repo, "bench/orchestration/maf/bin/Release/net10.0/AgentMesh.Bench.Maf.dll")), StoreInHost: false),
    ];

    /// <summary>
    /// Orchestrator (port 0), Planner, Agents, ToolHost and State, each its own process on its own port,
    /// configured as README.md's "Each service as its own process" (one role, researcher, as the workload needs).
    /// </summary>
    private static IReadOnlyList<(string, ProcessStartInfo)> MultiProcess(SideContext c)
    {
        var cassette = Path.Combine(c.Repo, "bench/orchestration/agentmesh/cassette.json");
        (string, ProcessStartInfo) Service(string name, string assembly, int port, params (string Key, string Value)[] settings)
        {
            var start = Command("dotnet", Path.Combine(c.Repo, $"services/{name}/bin/Release/net10.0/AgentMesh.Services.{assembly}.dll"), "--urls", c.Address(port));
            foreach (var (key, value) in settings)
                start.Environment[key] = value;
            return (name, start);
        }

        return
        [
            Service("orchestrator", "Orchestrator", 0, ("Mesh__Planner", c.Address(1)), ("Mesh__Agents", c.Address(2)), ("Mesh__State", c.Address(4)),
                ("Orchestrator__KnownRoles__0", "researcher"), ("Workflow__TaskHubPath", Path.Combine(c.Data, "taskhub.db"))),
            Service("planner", "Planner", 1, ("Planner__Roles__researcher", "Reads sources"), ("Models__Cassette", cassette)),
            Service("agents", "Agents", 2, ("Mesh__ToolHost", c.Address(3)), ("Mesh__State", c.Address(4)), ("Models__Cassette", cassette),
                ("Models__Variables__WORKSPACE", c.Workload), ("Agents__LoopDetectionRepeats", WorkloadLoopRepeats)),
            Service("toolhost", "ToolHost", 3, ("ToolHost__ConfigPath", Path.Combine(c.Repo, "bench/orchestration/agentmesh/mcp.json")), ("ToolHost__Variables__WORKSPACE", c.Workload)),
            Service("state", "State", 4, ("State__DatabasePath", Path.Combine(c.Data, "state.db"))),
        ];
    }

    /// <summary>
    /// The workload reads the same file in three turns in a row, which AgentMesh's loop detection (three identical
    /// turns by default) stops as a loop; the AgentMesh sides allow four.
    /// </summary>
    private const string WorkloadLoopRepeats = "4";

    private static ProcessStartInfo WithWorkloadSettings(ProcessStartInfo start)
    {
        start.Environment["Agents__LoopDetectionRepeats"] = WorkloadLoopRepeats;
        return start;
    }

    private static ProcessStartInfo Command(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return start;
    }
}
