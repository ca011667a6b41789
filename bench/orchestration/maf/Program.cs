using System.Diagnostics;
using System.Text.Json;
using AgentMesh.Bench.Maf;
using AgentMesh.Bench.Shared;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Agents.AI.Workflows.Checkpointing;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;

// The Microsoft Agent Framework side of the orchestration benchmark: the runner contract of
// bench/orchestration/workload/WORKLOAD.md. Only `measure-start` and `result {...}` go to stdout.
var opts = RunnerArgs.Parse(args);
var workload = Workload.Load(opts.Workload);

// One filesystem MCP server for the whole runner, started before the warm-up.
await using McpClient mcp = await McpClient.CreateAsync(new StdioClientTransport(new StdioClientTransportOptions
{
    Name = "filesystem",
    Command = "node",
    Arguments = [workload.McpServerScript, workload.Dir],
    StandardErrorLines = line => Console.Error.WriteLine($"[mcp] {line}"),
}));
IList<McpClientTool> tools = await mcp.ListToolsAsync();
var plan = new PlanWorkflow(workload, new ScriptedChatClient(workload), [.. tools.Where(t => t.Name == "read_text_file")]);

// The framework's file checkpoint store is single-threaded and holds its folder exclusively, so each
// closed-loop worker owns one store (in DATA/worker-N) and runs its runs one after another.
var stores = Enumerable.Range(0, opts.Concurrency)
    .Select(i => new FileSystemJsonCheckpointStore(new DirectoryInfo(Path.Combine(opts.Data, $"worker-{i}"))))
    .ToArray();
CheckpointManager[] managers = [.. stores.Select(s => CheckpointManager.CreateJson(s))];

try
{
    await ClosedLoop.RunAsync(opts.Warmup, managers, plan);
    Console.Out.WriteLine("measure-start");
    Console.Out.Flush();
    var wall = Stopwatch.StartNew();
    double[] latencies = await ClosedLoop.RunAsync(opts.Runs, managers, plan);
    wall.Stop();
    string json = JsonSerializer.Serialize(new
    {
        runs = opts.Runs,
        concurrency = opts.Concurrency,
        wallMs = Math.Round(wall.Elapsed.TotalMilliseconds, 3),
        latenciesMs = latencies.Select(l => Math.Round(l, 3)),
        side = "maf",
    });
    Console.Out.WriteLine($"result {json}");
    Console.Out.Flush();
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"maf runner: a run failed: {e}");
    return 1;
}
finally
{
    foreach (var store in stores)
        store.Dispose();
}
