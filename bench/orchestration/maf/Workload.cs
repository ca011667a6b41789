namespace AgentMesh.Bench.Maf;

/// <summary>
/// The workload folder of WORKLOAD.md: the 2 KB notes the tool reads, the 200-character ANSWER every
/// step must end with, and the filesystem MCP server script of the repository's node_modules.
/// </summary>
internal sealed record Workload(string Dir, string NotesPath, string NotesText, string Answer, string McpServerScript)
{
    /// <summary>Reads the workload folder and finds the MCP server in the nearest node_modules above it.</summary>
    public static Workload Load(string dir)
    {
        dir = Path.GetFullPath(dir);
        string notes = Path.Combine(dir, "notes-2k.txt");
        const string server = "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js";
        string? script = null;
        for (var d = new DirectoryInfo(dir); d is not null && script is null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, server)))
                script = Path.Combine(d.FullName, server);
        return new Workload(dir, notes, File.ReadAllText(notes), File.ReadAllText(Path.Combine(dir, "answer.txt")),
            script ?? throw new FileNotFoundException($"{server} not found above {dir} (run npm ci at the repository root)"));
    }
}
