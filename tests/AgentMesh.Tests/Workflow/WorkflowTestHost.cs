using AgentMesh.DurableTask.Protocol;
using AgentMesh.Workflow;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.Workflow;

/// <summary>
/// A real Generic Host running the workflow runtime on a real SQLite file in a temp directory,
/// with every test workflow and activity registered.
/// </summary>
internal sealed class WorkflowTestHost : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly IHost _host;
    private readonly bool _ownsDirectory;

    private WorkflowTestHost(IHost host, string databasePath, bool ownsDirectory)
    {
        _host = host;
        DatabasePath = databasePath;
        _ownsDirectory = ownsDirectory;
    }

    public string DatabasePath { get; }
    public WorkflowClient Client => _host.Services.GetRequiredService<WorkflowClient>();

    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "agentmesh-wf-" + Guid.NewGuid().ToString("N"), "taskhub.db");

    /// <summary>Starts a host on <paramref name="databasePath"/> (default: a fresh temp file, deleted on dispose).</summary>
    public static async Task<WorkflowTestHost> StartAsync(string? databasePath = null, Action<WorkflowRuntimeOptions>? configure = null)
    {
        var path = databasePath ?? NewDatabasePath();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new ActivityLog());
        builder.Services.AddWorkflowRuntime(options =>
        {
            options.UseSqliteTaskHub(path);
            options.PollingInterval = TimeSpan.FromMilliseconds(50);
            options.MaxConcurrentActivities = 8;
            TestWorkflows.RegisterAll(options);
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync().WaitAsync(Timeout);
        return new WorkflowTestHost(host, path, ownsDirectory: databasePath is null);
    }

    /// <summary>Tears the host down without waiting for anything in flight (as close to a crash as one process allows).</summary>
    public async Task KillAsync()
    {
        await _host.StopAsync(new CancellationToken(canceled: true)).WaitAsync(Timeout);
        _host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync().WaitAsync(Timeout);
        }
        finally
        {
            _host.Dispose();
            if (_ownsDirectory)
                DeleteDirectory(Path.GetDirectoryName(DatabasePath)!);
        }
    }

    public static void DeleteDirectory(string directory)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a zombie activity of a killed host may still hold a handle.
        }
    }

    /// <summary>Reads an instance's history straight from the SQLite file and decodes each row as a HistoryEvent protobuf.</summary>
    public static List<HistoryEvent> ReadHistory(string databasePath, string instanceId)
    {
        SQLitePCL.Batteries_V2.Init();
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT event FROM history WHERE instance_id = $id ORDER BY sequence";
        command.Parameters.AddWithValue("$id", instanceId);
        using var reader = command.ExecuteReader();
        var events = new List<HistoryEvent>();
        while (reader.Read())
            events.Add(HistoryEvent.Parser.ParseFrom((byte[])reader.GetValue(0)));
        return events;
    }
}
