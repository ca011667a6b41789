using System.Diagnostics;

namespace AgentMesh.Bench.Orchestration.Harness;

/// <summary>Where a side's processes run: the repository, a fresh data folder, and a free port for a host.</summary>
internal sealed record SideContext(string Repo, string Data, int Port)
{
    public string Workload => Path.Combine(Repo, "bench/orchestration/workload");

    public string BenchDll => typeof(SideContext).Assembly.Location;
}

/// <summary>
/// One side of the comparison: an optional host process (AgentMesh's, which the runner drives over
/// gRPC), the runner (bench/orchestration/workload/WORKLOAD.md's contract) and which of the two holds
/// the durable store (the process whose fsyncs are counted).
/// </summary>
internal sealed record SideSpec(string Name, string What, Func<SideContext, ProcessStartInfo>? Host, Func<SideContext, ProcessStartInfo> Runner, bool StoreInHost)
{
    /// <summary>The sides, in the order of the report.</summary>
    public static IReadOnlyList<SideSpec> All { get; } =
    [
        new("floor", "the 12 tool calls in the DAG's shape, straight to the MCP server (Node, @modelcontextprotocol/sdk)", null,
            c => Command("node", Path.Combine(c.Repo, "bench/orchestration/floor/floor.mjs")), StoreInHost: false),
        new("agentmesh", "all-in-one host (`agentmesh up`, embedded task hub and State on SQLite), driven over gRPC by a client process",
            c => Command("dotnet", Path.Combine(c.Repo, "cli/bin/Release/net10.0/agentmesh.dll"), "up", "--port", c.Port.ToString(), "--data", c.Data,
                "--mcp-config", Path.Combine(c.Repo, "bench/orchestration/agentmesh/mcp.json"),
                "--cassette", Path.Combine(c.Repo, "bench/orchestration/agentmesh/cassette.json"), "--workspace", c.Workload),
            c => Command("dotnet", c.BenchDll, "client", "--address", $"http://127.0.0.1:{c.Port}"), StoreInHost: true),
        new("langgraph-normal", "LangGraph.js + SqliteSaver, WAL, synchronous=NORMAL (its default)", null,
            c => Command("node", Path.Combine(c.Repo, "bench/orchestration/langgraph/langgraph.mjs"), "--synchronous", "NORMAL"), StoreInHost: false),
        new("langgraph-full", "LangGraph.js + SqliteSaver, WAL, synchronous=FULL", null,
            c => Command("node", Path.Combine(c.Repo, "bench/orchestration/langgraph/langgraph.mjs"), "--synchronous", "FULL"), StoreInHost: false),
        new("maf", "Microsoft Agent Framework (Microsoft.Agents.AI.Workflows 1.28.0) with its file checkpoint store", null,
            c => Command("dotnet", Path.Combine(c.Repo, "bench/orchestration/maf/bin/Release/net10.0/AgentMesh.Bench.Maf.dll")), StoreInHost: false),
    ];

    private static ProcessStartInfo Command(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return start;
    }
}
