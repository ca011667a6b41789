using System.Net;
using AgentMesh.Bench.Server;
using AgentMesh.Grpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Usage: AgentMesh.Bench.Server agentmesh|bare [--stream-count N --payload-size BYTES] [--stats]
// Listens on 127.0.0.1 (free port, h2c), prints {"port": N} once listening, runs until killed.
// "bare" needs the stream count and payload size of the request it will be sent (it parses nothing).
// --stats prints per-request costs every second (see CallStats).
var mode = args.Length > 0 ? args[0] : "";
if (mode is not ("agentmesh" or "bare"))
{
    Console.Error.WriteLine("usage: AgentMesh.Bench.Server agentmesh|bare [--stream-count N --payload-size BYTES]");
    return 2;
}

var streamCount = IntOption(args, "--stream-count", 100);
var payloadSize = IntOption(args, "--payload-size", 64);

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenGrpc(IPAddress.Loopback, 0));
if (mode == "agentmesh")
{
    builder.Services.AddGrpcServer();
    builder.Services.AddSingleton<BenchService>();
}

var app = builder.Build();
using var stats = args.Contains("--stats") ? new CallStats() : null;
if (stats is not null)
{
    app.Use(stats.CountAsync);
}

if (mode == "agentmesh")
{
    app.MapGrpcService<BenchService>(BenchService.Descriptor);
}
else
{
    app.Run(new BareKestrelHandler(streamCount, payloadSize).HandleAsync);
}

await app.StartAsync();
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
Console.WriteLine($"{{\"port\": {new Uri(address.Replace("[::]", "127.0.0.1")).Port}}}");
await app.WaitForShutdownAsync();
return 0;

static int IntOption(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
