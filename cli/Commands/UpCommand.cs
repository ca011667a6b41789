using System.CommandLine;
using AgentMesh.Cli.Hosting;

namespace AgentMesh.Cli.Commands;

/// <summary>`agentmesh up`: runs the all-in-one host until Ctrl+C / SIGTERM.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on (0: any free port).", DefaultValueFactory = _ => 50051 };
        var data = CliOptions.Data();
        var mcp = new Option<string?>("--mcp-config") { Description = "MCP servers file ({\"mcpServers\":{…}})." };
        var cassette = new Option<string?>("--cassette") { Description = "Cassette for the scripted model (used unless a real model is configured)." };
        var workspace = new Option<string?>("--workspace") { Description = "Folder exposed to tools as ${WORKSPACE} (default: current folder)." };
        var command = new Command("up", "Run the all-in-one host (every service on one loopback port).") { port, data, mcp, cassette, workspace };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var dataDirectory = Path.GetFullPath(parse.GetValue(data)!);
            var options = new MeshHostOptions
            {
                Port = parse.GetValue(port),
                DataDirectory = dataDirectory,
                McpConfigPath = FullPathOrNull(parse.GetValue(mcp)),
                CassettePath = FullPathOrNull(parse.GetValue(cassette)),
            };
            options.Variables["WORKSPACE"] = Path.GetFullPath(parse.GetValue(workspace) ?? Environment.CurrentDirectory);
            options.Variables["OUTPUT"] = Directory.CreateDirectory(Path.Combine(dataDirectory, "output")).FullName;
            await using var host = await MeshHost.StartAsync(options, cancellationToken);
            Console.WriteLine($"AgentMesh listening on {host.Address} (data in {dataDirectory})");
            await host.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    private static string? FullPathOrNull(string? path) => path is null ? null : Path.GetFullPath(path);
}
