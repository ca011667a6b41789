using System.Diagnostics;
using System.Text.Json;
using AgentMesh.Services.ToolHost.Configuration;
using AgentMesh.Services.ToolHost.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>
/// The MCP servers of one <see cref="McpServersConfig"/>: connects to them (stdio processes,
/// Streamable HTTP endpoints), discovers their tools, applies the approval policy and calls tools.
/// Servers connect on first use (or <see cref="StartAsync"/>), concurrently; a server that fails
/// does not stop the others. A server whose session ended (e.g. its process died) is started
/// again on next use. Thread-safe. Disposing stops every server process.
/// </summary>
public sealed class McpToolCatalog : IAsyncDisposable
{
    private readonly Dictionary<string, McpServerConnection> _connections = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    /// <summary>Creates the catalog; nothing starts until <see cref="StartAsync"/> or the first call.</summary>
    public McpToolCatalog(McpServersConfig config, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        loggerFactory ??= NullLoggerFactory.Instance;
        Config = config;
        Policy = new ToolApprovalPolicy(config.Policy);
        _logger = loggerFactory.CreateLogger<McpToolCatalog>();
        foreach (var entry in config.Servers.Where(s => !s.Disabled))
        {
            _connections[entry.Name] = new McpServerConnection(entry, config.Policy, loggerFactory);
        }
    }

    /// <summary>The configuration this catalog serves.</summary>
    public McpServersConfig Config { get; }

    /// <summary>The approval policy applied to every listed tool.</summary>
    public ToolApprovalPolicy Policy { get; }

    /// <summary>
    /// Starts or connects every enabled server concurrently and waits until each has connected or
    /// failed. Never throws for a failing server (it is logged as a warning and retried on next use).
    /// </summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
        => Task.WhenAll(_connections.Values.Select(c => TryListAsync(c, cancellationToken)));

    /// <summary>
    /// Connects every enabled server that is not connected (reusing live sessions) and returns the
    /// ones that cannot be reached, each with the reason; empty when all are connected.
    /// </summary>
    public async Task<IReadOnlyList<ToolServerUnavailableException>> FindUnavailableServersAsync(CancellationToken cancellationToken = default)
    {
        var failures = await Task.WhenAll(_connections.Values.Select(async c =>
        {
            try
            {
                await c.GetClientAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (ToolServerUnavailableException e)
            {
                return e;
            }
        })).ConfigureAwait(false);
        return failures.OfType<ToolServerUnavailableException>().ToList();
    }

    /// <summary>
    /// The tools of <paramref name="server"/>, or of every enabled server when null/empty (in config
    /// order; a server that cannot be reached is skipped with a logged warning). Lists are fetched
    /// from the servers now (all pages). Throws <see cref="ToolNotFoundException"/> for an unknown
    /// or disabled server name, <see cref="ToolServerUnavailableException"/> when the one named
    /// server cannot be reached.
    /// </summary>
    public async Task<IReadOnlyList<ToolInfo>> ListToolsAsync(string? server = null, CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrEmpty(server))
        {
            var connection = GetConnection(server);
            var tools = await connection.ListToolsAsync(cancellationToken).ConfigureAwait(false);
            return tools.Select(t => Describe(server, t)).ToList();
        }

        var perServer = await Task.WhenAll(_connections.Values.Select(c => TryListAsync(c, cancellationToken))).ConfigureAwait(false);
        return perServer.SelectMany(list => list).ToList();
    }

    /// <summary>
    /// Calls <paramref name="tool"/> on <paramref name="server"/> with <paramref name="arguments"/>
    /// (a JSON object; <c>default</c>/undefined means <c>{}</c>), bounded by <paramref name="timeout"/>
    /// (null: the configured <c>toolTimeoutSeconds</c>). Progress notifications go to
    /// <paramref name="progress"/>. A tool error (<c>isError</c>) or a JSON-RPC error such as bad
    /// arguments is returned as an outcome with <see cref="ToolCallOutcome.IsError"/> true.
    /// Throws <see cref="ToolNotFoundException"/> (unknown server or tool),
    /// <see cref="ToolTimeoutException"/> (timeout elapsed; the server is told to cancel),
    /// <see cref="ToolServerUnavailableException"/> (server cannot be reached or its connection broke),
    /// <see cref="ArgumentException"/> (arguments not an object, timeout not positive),
    /// <see cref="OperationCanceledException"/> (<paramref name="cancellationToken"/>).
    /// A read-only or idempotent tool whose connection breaks mid-call is retried once on a new connection.
    /// </summary>
    public async Task<ToolCallOutcome> CallToolAsync(
        string server,
        string tool,
        JsonElement arguments,
        TimeSpan? timeout = null,
        IProgress<ToolProgressInfo>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(server);
        ArgumentException.ThrowIfNullOrEmpty(tool);
        var argumentMap = ToArgumentMap(arguments);
        var limit = timeout ?? Config.Policy.ToolTimeout;
        if (limit <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), limit, "the tool timeout must be positive");
        }

        var connection = GetConnection(server);
        var declared = await connection.FindToolAsync(tool, cancellationToken).ConfigureAwait(false)
            ?? throw new ToolNotFoundException(server, tool, $"MCP server '{server}' has no tool '{tool}'");
        var retrySafe = declared.Annotations?.ReadOnlyHint == true || declared.Annotations?.IdempotentHint == true;
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var client = await connection.GetClientAsync(cancellationToken).ConfigureAwait(false);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(limit);
            try
            {
                var result = await client.CallToolAsync(tool, argumentMap, progress is null ? null : new ProgressRelay(progress), cancellationToken: deadline.Token).ConfigureAwait(false);
                var outcome = ToolResultText.FromResult(result);
                ToolHostLog.ToolCallFinished(_logger, server, tool, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, outcome.IsError);
                return outcome;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                ToolHostLog.ToolCallTimedOut(_logger, server, tool, (long)limit.TotalMilliseconds);
                throw new ToolTimeoutException(server, tool, limit);
            }
            catch (McpProtocolException e)
            {
                return ToolResultText.FromProtocolError(e);
            }
            catch (Exception e) when (McpServerConnection.IsConnectionFailure(e) && !cancellationToken.IsCancellationRequested)
            {
                await connection.ResetAsync(client).ConfigureAwait(false);
                if (attempt > 1 || !retrySafe)
                {
                    throw connection.Unavailable($"the connection broke during a call of '{tool}'", e);
                }

                ToolHostLog.ToolCallRetrying(_logger, server, tool);
            }
        }
    }

    /// <summary>
    /// The approval verdict for one call of <paramref name="tool"/> on <paramref name="server"/> with
    /// <paramref name="arguments"/> (a JSON object; <c>default</c>/undefined means <c>{}</c>), by
    /// <see cref="ToolApprovalPolicy.EvaluateCall"/>: the rules on arguments for a tool they match, else the tool's
    /// listed verdict. Does not call the tool. Throws <see cref="ToolNotFoundException"/> (unknown server or tool),
    /// <see cref="ToolServerUnavailableException"/> (the server cannot be reached to learn its tools),
    /// <see cref="ArgumentException"/> (arguments not an object).
    /// </summary>
    public async Task<ToolApprovalVerdict> CheckToolCallAsync(string server, string tool, JsonElement arguments, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(server);
        ArgumentException.ThrowIfNullOrEmpty(tool);
        if (arguments.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
        {
            throw new ArgumentException($"tool arguments must be a JSON object, got {arguments.ValueKind}", nameof(arguments));
        }

        var declared = await GetConnection(server).FindToolAsync(tool, cancellationToken).ConfigureAwait(false)
            ?? throw new ToolNotFoundException(server, tool, $"MCP server '{server}' has no tool '{tool}'");
        return Policy.EvaluateCall(server, tool, AnnotationsOf(declared), arguments);
    }

    /// <summary>Stops every server process and closes every HTTP session.</summary>
    public async ValueTask DisposeAsync()
    {
        // All at once, and one failing does not leave the others running.
        await Task.WhenAll(_connections.Values.Select(c => c.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private McpServerConnection GetConnection(string server)
    {
        if (_connections.TryGetValue(server, out var connection))
        {
            return connection;
        }

        var disabled = Config.Servers.Any(s => s.Name == server && s.Disabled);
        throw new ToolNotFoundException(
            server,
            null,
            disabled
                ? $"MCP server '{server}' is disabled in {Config.FilePath}"
                : $"no MCP server named '{server}' is configured (configured: {string.Join(", ", _connections.Keys)})");
    }

    private async Task<IReadOnlyList<ToolInfo>> TryListAsync(McpServerConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var tools = await connection.ListToolsAsync(cancellationToken).ConfigureAwait(false);
            return tools.Select(t => Describe(connection.Entry.Name, t)).ToList();
        }
        catch (ToolServerUnavailableException e)
        {
            ToolHostLog.ServerUnavailable(_logger, connection.Entry.Name, e.Message);
            return [];
        }
    }

    private ToolInfo Describe(string server, Tool tool)
    {
        var annotations = AnnotationsOf(tool);
        return new ToolInfo(
            server,
            tool.Name,
            tool.Title ?? tool.Annotations?.Title,
            tool.Description ?? "",
            tool.InputSchema.GetRawText(),
            annotations,
            Policy.Evaluate(server, tool.Name, annotations));
    }

    private static ToolAnnotationsInfo AnnotationsOf(Tool tool) => tool.Annotations is { } a
        ? new ToolAnnotationsInfo(a.Title, a.ReadOnlyHint, a.DestructiveHint, a.IdempotentHint, a.OpenWorldHint)
        : ToolAnnotationsInfo.None;

    private static Dictionary<string, object?> ToArgumentMap(JsonElement arguments)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (arguments.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return map;
        }

        if (arguments.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"tool arguments must be a JSON object, got {arguments.ValueKind}", nameof(arguments));
        }

        foreach (var property in arguments.EnumerateObject())
        {
            map[property.Name] = property.Value.Clone();
        }

        return map;
    }

    /// <summary>Forwards the SDK's progress values as <see cref="ToolProgressInfo"/>.</summary>
    private sealed class ProgressRelay(IProgress<ToolProgressInfo> target) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => target.Report(new ToolProgressInfo(value.Progress, value.Total, value.Message));
    }
}
