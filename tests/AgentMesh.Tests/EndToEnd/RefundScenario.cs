using System.Text.Json;
using AgentMesh.Cli.Commands;
using AgentMesh.Cli.Hosting;
using AgentMesh.Contracts.V1;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// One case of the shipped refund example (examples/refund/&lt;case&gt;) set up as <c>agentmesh run</c> sets it up, in a
/// fresh temp data folder: the example's mcp.json (the sample refund server built from samples/RefundTools, its
/// database created from the seeds in OUTPUT), the case's goal and cassette. The model is the scripted provider
/// replaying the case's cassette, a stand-in for a real model: no model endpoint runs here.
/// </summary>
internal sealed class RefundScenario : IDisposable
{
    public RefundScenario(string name, string? dataDirectory = null)
    {
        Folder = Path.Combine(ExampleDirectory, name);
        Loaded = Scenario.Load(Folder);
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("agentmesh-refund-").FullName;
        OutputDirectory = Directory.CreateDirectory(Path.Combine(DataDirectory, "output")).FullName;
    }

    public static string ExampleDirectory { get; } = Path.Combine(RepoPaths.Root, "examples", "refund");

    /// <summary>The case's folder, as given to <c>agentmesh run</c>.</summary>
    public string Folder { get; }

    public Scenario Loaded { get; }

    public string Goal => Loaded.Goal;

    public string DataDirectory { get; }

    public string OutputDirectory { get; }

    /// <summary>The refund server's SQLite file (<c>${OUTPUT}/refunds.db</c> in the example's mcp.json).</summary>
    public string DatabasePath => Path.Combine(OutputDirectory, "refunds.db");

    /// <summary>The all-in-one host's options, as <c>agentmesh run</c> makes them (WORKSPACE, OUTPUT); <paramref name="cassette"/> replaces the case's.</summary>
    public MeshHostOptions HostOptions(string? cassette = null)
    {
        var options = new MeshHostOptions
        {
            DataDirectory = DataDirectory,
            McpConfigPath = Loaded.McpConfigPath,
            CassettePath = cassette ?? Loaded.CassettePath,
        };
        options.Variables["WORKSPACE"] = Loaded.Workspace;
        options.Variables["OUTPUT"] = OutputDirectory;
        options.Settings["Orchestrator:ActivityFirstRetryInterval"] = "00:00:00.200";
        return options;
    }

    /// <summary>The refunds recorded in the server's database file: purchase, key, cents.</summary>
    public List<(string PurchaseId, string RefundKey, long AmountCents)> Refunds()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT purchase_id, refund_key, amount_cents FROM refunds ORDER BY refund_id;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return rows;
    }

    /// <summary>Opens the server's database file (read-write: a test may add a purchase before the run).</summary>
    public SqliteConnection Open()
    {
        Assert.True(File.Exists(DatabasePath), $"the refund server has not created {DatabasePath}");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>The JSON result of the run's one completed call of <paramref name="tool"/>, which must have succeeded.</summary>
    public static JsonElement Result(IEnumerable<RunEvent> events, string tool)
    {
        var completed = Assert.Single(events, e => e.ToolCallCompleted?.Tool == tool).ToolCallCompleted;
        Assert.False(completed.IsError, $"{tool}: {completed.Result}");
        Assert.Equal("refunds", completed.Server);
        using var json = JsonDocument.Parse(completed.Result);
        return json.RootElement.Clone();
    }

    /// <summary>Asserts that the run drafted a polite email to <paramref name="customerId"/> about <paramref name="outcome"/>, and returns its body.</summary>
    public static string AssertEmailDrafted(IEnumerable<RunEvent> events, string customerId, string outcome)
    {
        var email = Result(events, "draft_customer_email");
        Assert.Equal(customerId, email.GetProperty("customer_id").GetString());
        Assert.Equal(outcome, email.GetProperty("outcome").GetString());
        var body = email.GetProperty("body").GetString()!;
        Assert.StartsWith("Hello,\n\nThank you for contacting us", body, StringComparison.Ordinal);
        Assert.EndsWith("Kind regards,\nCustomer Support\n", body, StringComparison.Ordinal);
        return body;
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
