using System.Collections.Concurrent;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.Telemetry;

/// <summary>
/// Log lines of a run carry its run and step ids in scope, on the all-in-one host. The model is the scripted provider
/// (a stand-in: no model endpoint can run here).
/// </summary>
public sealed class LogScopeTests
{
    [Fact]
    public async Task The_agent_loops_log_lines_carry_the_run_and_step_ids_in_scope()
    {
        var logs = new ScopeCollectingLoggerProvider();
        string runId;
        await using (var session = await ProbeRun.StartAsync(
            new() { ["Logging:LogLevel:AgentMesh"] = "Debug" },
            o => o.ConfigureServices = s => s.AddSingleton<ILoggerProvider>(logs),
            Cassettes.Planner(1, ProbeRun.Plan),
            Cassettes.Answer("researcher", "a", 1, "seen")))
        {
            runId = (await session.Client.StartRunAsync(new StartRunRequest { Goal = "a goal" })).RunId;
            Assert.Equal(RunStatus.Completed, RunObserver.FinalStatus(await RunObserver.WatchAsync(session.Client, runId)));
        }

        var loop = logs.Entries.Where(e => e.Category.EndsWith(".AgentLoop", StringComparison.Ordinal) && e.Scope.GetValueOrDefault("agentmesh.run.id") as string == runId).ToList();
        Assert.NotEmpty(loop);
        Assert.All(loop, e => Assert.Equal("a", e.Scope["agentmesh.step.id"]));
    }

    /// <summary>Keeps every log entry with the key-value pairs of the scopes around it.</summary>
    private sealed class ScopeCollectingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(string Category, string Message, Dictionary<string, object?> Scope)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCollectingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
                owner._scopes.ForEachScope((s, d) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                            d[key] = value;
                    }
                }, scope);
                owner.Entries.Enqueue((category, formatter(state, exception), scope));
            }
        }
    }
}
