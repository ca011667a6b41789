using System.Text.Json;

namespace AgentMesh.Cli.Commands;

/// <summary>
/// A runnable scenario (<c>scenario.json</c>): the goal, the folder it works on, its MCP servers
/// and the cassette of the scripted model. Paths are relative to the scenario file.
/// Example: <c>{"goal":"…","workspace":"../..","mcpServers":"mcp.json","cassette":"cassette.json"}</c>.
/// </summary>
public sealed record Scenario(string Goal, string Workspace, string? McpConfigPath, string? CassettePath)
{
    /// <summary>Loads a scenario from a file or a folder holding scenario.json. Throws <see cref="FileNotFoundException"/> or <see cref="InvalidDataException"/> naming the file.</summary>
    public static Scenario Load(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, "scenario.json") : path;
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"No scenario at '{file}' (give a folder with scenario.json, or the file).", file);
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var root = document.RootElement;
        string? Read(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        string? Resolve(string? relative) => relative is null ? null : Path.GetFullPath(Path.Combine(folder, relative));

        var goal = Read("goal");
        if (string.IsNullOrWhiteSpace(goal))
        {
            throw new InvalidDataException($"{file}: \"goal\" is missing or empty.");
        }

        return new Scenario(goal, Resolve(Read("workspace") ?? ".")!, Resolve(Read("mcpServers")), Resolve(Read("cassette")));
    }
}
