using System.Diagnostics;
using System.Globalization;
using AgentMesh.Bench.Client;
using AgentMesh.Bench.Protos;
using AgentMesh.Grpc.Client;

// Usage:
//   AgentMesh.Bench.Client check ADDRESS --stream-count N --payload-size BYTES
//     one unary and one server-streaming call; exit 0 when both end OK with the expected messages.
//   AgentMesh.Bench.Client load ADDRESS call|stream --connections C --streams M --duration S --warmup S
//       --stream-count N --payload-size BYTES
//     C channels (one HTTP/2 connection each) x M concurrent calls in a loop; after the warm-up,
//     counts completed calls for the duration and prints {"requests": .., "seconds": .., "messages": ..,
//     "total": calls completed including the warm-up, "failed": ..}.
if (args.Length < 2 || args[0] is not ("check" or "load"))
{
    Console.Error.WriteLine("usage: AgentMesh.Bench.Client check|load ADDRESS ... (see Program.cs)");
    return 2;
}

var address = args[1];
var request = new StreamRequest { Count = Option("--stream-count", 100), PayloadSize = Option("--payload-size", 64) };
if (args[0] == "check")
{
    using var channel = GrpcChannel.ForAddress(address);
    await channel.UnaryAsync(BenchMethods.Call, new Empty());
    var received = await BenchMethods.ReadStreamAsync(channel, request);
    if (received != request.Count)
    {
        Console.Error.WriteLine($"{address}: Stream returned {received} messages, expected {request.Count}.");
        return 1;
    }

    Console.WriteLine($"{address}: Call OK, Stream OK ({received} messages)");
    return 0;
}

var streaming = args.Length > 2 && args[2] == "stream";
var connections = Option("--connections", 4);
var streams = Option("--streams", 32);
var duration = TimeSpan.FromSeconds(Option("--duration", 8));
var warmup = TimeSpan.FromSeconds(Option("--warmup", 2));

var channels = Enumerable.Range(0, connections).Select(_ => GrpcChannel.ForAddress(address)).ToArray();
var counting = false;
var stopping = false;
var completed = new long[connections * streams];
var all = new long[connections * streams];
var failures = new long[connections * streams];
async Task WorkerAsync(GrpcChannel channel, int slot)
{
    while (!Volatile.Read(ref stopping))
    {
        try
        {
            if (streaming)
            {
                await BenchMethods.ReadStreamAsync(channel, request);
            }
            else
            {
                await channel.UnaryAsync(BenchMethods.Call, new Empty());
            }

            all[slot]++;
            if (Volatile.Read(ref counting))
            {
                completed[slot]++;
            }
        }
        catch (AgentMesh.Grpc.RpcException)
        {
            failures[slot]++;
        }
    }
}

var workers = new List<Task>();
for (var c = 0; c < connections; c++)
{
    for (var s = 0; s < streams; s++)
    {
        workers.Add(WorkerAsync(channels[c], c * streams + s));
    }
}

await Task.Delay(warmup);
Volatile.Write(ref counting, true);
var clock = Stopwatch.StartNew();
await Task.Delay(duration);
Volatile.Write(ref counting, false);
var seconds = clock.Elapsed.TotalSeconds;
Volatile.Write(ref stopping, true);
await Task.WhenAll(workers);
foreach (var channel in channels)
{
    channel.Dispose();
}

var requests = completed.Sum();
var messages = streaming ? requests * request.Count : requests;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"requests\": {requests}, \"seconds\": {seconds:F3}, \"messages\": {messages}, \"total\": {all.Sum()}, \"failed\": {failures.Sum()}}}"));
return failures.Sum() == 0 ? 0 : 1;

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
