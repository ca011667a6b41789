using AgentMesh.Interop;
using AgentMesh.Interop.Client;
using AgentMesh.Interop.Server;

// agentmesh-interop server --port=P [--use_tls=false]
// agentmesh-interop client --server_host=H --server_port=P --test_case=X [--use_tls=false]
// Exit codes: 0 passed (client) / stopped (server), 1 test case failed, 2 bad command line.
const string Usage =
    "usage: agentmesh-interop server --port=P [--use_tls=false]\n" +
    "       agentmesh-interop client --server_host=H --server_port=P --test_case=X [--use_tls=false]";
try
{
    return args.FirstOrDefault() switch
    {
        "server" => await InteropServer.RunAsync(InteropFlags.Parse(args[1..], InteropServer.Flags)),
        "client" => await InteropClient.RunAsync(InteropFlags.Parse(args[1..], InteropClient.Flags), Console.Out, Console.Error),
        _ => throw new UsageException("The first argument must be server or client."),
    };
}
catch (UsageException exception)
{
    await Console.Error.WriteLineAsync($"{exception.Message}\n{Usage}");
    return 2;
}
