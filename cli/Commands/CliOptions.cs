using System.CommandLine;

namespace AgentMesh.Cli.Commands;

/// <summary>Options shared by several commands.</summary>
internal static class CliOptions
{
    public static Option<string?> Address() => new("--address")
    {
        Description = "Address of a running mesh, e.g. http://127.0.0.1:50051 (default: $AGENTMESH_ADDRESS).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("AGENTMESH_ADDRESS"),
    };

    public static Option<string> Data() => new("--data")
    {
        Description = "Folder for the embedded stores (SQLite files) and tool output.",
        DefaultValueFactory = _ => Path.Combine(Environment.CurrentDirectory, ".agentmesh"),
    };

    public static Option<string> Output() => new Option<string>("--output", "-o")
    {
        Description = "text (live progress) or json (one JSON event per line).",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");

    public static string RequireAddress(string? address)
        => address ?? throw new InvalidOperationException("No mesh address: pass --address or set AGENTMESH_ADDRESS (see `agentmesh up`).");
}
