using System.Text.Json.Nodes;
using AgentMesh.Cli.Hosting;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// The shipped example (examples/docs-report) set up in a fresh temp data folder: its real MCP
/// config (server-filesystem from node_modules), the repository as WORKSPACE, a temp OUTPUT.
/// Models are the scripted provider: no model endpoint can run here.
/// </summary>
internal sealed class ExampleScenario : IDisposable
{
    public ExampleScenario(string? cassette = null)
    {
        DataDirectory = Directory.CreateTempSubdirectory("agentmesh-e2e-").FullName;
        OutputDirectory = Directory.CreateDirectory(Path.Combine(DataDirectory, "output")).FullName;
        CassettePath = cassette ?? Path.Combine(ExampleDirectory, "cassette.json");
    }

    public static string ExampleDirectory { get; } = Path.Combine(RepoPaths.Root, "examples", "docs-report");

    public static string Goal { get; } = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(ExampleDirectory, "scenario.json"))).RootElement.GetProperty("goal").GetString()!;

    public string DataDirectory { get; }

    public string OutputDirectory { get; }

    public string CassettePath { get; }

    public string ReportPath => Path.Combine(OutputDirectory, "docs-report.md");

    public MeshHostOptions HostOptions(int port = 0)
    {
        var options = new MeshHostOptions
        {
            Port = port,
            DataDirectory = DataDirectory,
            McpConfigPath = Path.Combine(ExampleDirectory, "mcp.json"),
            CassettePath = CassettePath,
        };
        options.Variables["WORKSPACE"] = RepoPaths.Root;
        options.Variables["OUTPUT"] = OutputDirectory;
        options.Settings["Orchestrator:ActivityFirstRetryInterval"] = "00:00:00.200";
        return options;
    }

    /// <summary>
    /// <see cref="HostOptions(int)"/> with provider "openai" against <paramref name="endpoint"/> (the FAKE OpenAI-compatible server,
    /// a stand-in: no model endpoint can run here), model <c>gpt-test</c>, key <paramref name="apiKey"/>, and no cassette.
    /// </summary>
    public MeshHostOptions HostOptions(AgentMesh.Tests.Models.FakeOpenAIServer endpoint, string apiKey = "sk-test")
    {
        var options = HostOptions();
        options.CassettePath = null;
        options.Settings["Models:Provider"] = "openai";
        options.Settings["Models:Default:Endpoint"] = $"{endpoint.BaseAddress}v1";
        options.Settings["Models:Default:ApiKey"] = apiKey;
        options.Settings["Models:Default:Model"] = "gpt-test";
        return options;
    }

    /// <summary>Arguments of `agentmesh up` for the same setup.</summary>
    public string[] UpArguments(int port) =>
    [
        "up", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", DataDirectory,
        "--mcp-config", Path.Combine(ExampleDirectory, "mcp.json"), "--cassette", CassettePath, "--workspace", RepoPaths.Root,
    ];

    /// <summary>A copy of the example's cassette in which <paramref name="role"/>'s model turn <paramref name="turn"/> answers after <paramref name="delayMs"/>.</summary>
    public static string SlowCassette(string role, int turn, int delayMs)
    {
        var cassette = JsonNode.Parse(File.ReadAllText(Path.Combine(ExampleScenario.ExampleDirectory, "cassette.json")))!;
        var exchange = cassette["exchanges"]!.AsArray().Single(e => (string?)e!["role"] == role && (int?)e["turn"] == turn)!;
        exchange["response"]!["delayMs"] = delayMs;
        var path = Path.Combine(Directory.CreateTempSubdirectory("agentmesh-cassette-").FullName, "slow.json");
        File.WriteAllText(path, cassette.ToJsonString());
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the temp folder is left behind.
        }
    }
}
