using AgentMesh.Services.ToolHost.Configuration;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace AgentMesh.Services.ToolHost.Catalog;

/// <summary>
/// One configured MCP server: starts or connects it on first use, keeps its tool list, and
/// reconnects when the previous session ended (a stdio process that died is started again).
/// </summary>
internal sealed class McpServerConnection(McpServerEntry entry, ToolPolicyOptions policy, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private const int StandardErrorTailLines = 20;

    private readonly ILogger _logger = loggerFactory.CreateLogger<McpServerConnection>();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Queue<string> _standardErrorTail = new();
    private McpClient? _client;
    private Dictionary<string, Tool> _tools = new(StringComparer.Ordinal);
    private IReadOnlyList<Tool> _toolList = [];
    private bool _disposed;

    public McpServerEntry Entry => entry;

    /// <summary>
    /// The server's tools as listed when this session connected (pages followed), or at the last
    /// refresh; reconnects first when needed. Tools are not re-listed on every call.
    /// </summary>
    public async Task<IReadOnlyList<Tool>> ListToolsAsync(CancellationToken cancellationToken)
    {
        await GetClientAsync(cancellationToken).ConfigureAwait(false);
        return _toolList;
    }

    /// <summary>The declared tool, re-listing the server's tools once when it is not known; null when the server has no such tool.</summary>
    public async Task<Tool?> FindToolAsync(string name, CancellationToken cancellationToken)
    {
        var client = await GetClientAsync(cancellationToken).ConfigureAwait(false);
        if (_tools.TryGetValue(name, out var tool))
        {
            return tool;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(policy.ConnectTimeout);
            SetTools(await FetchToolsAsync(client, timeout.Token).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable($"listing tools took longer than {policy.ConnectTimeout.TotalSeconds:0.###} s", null);
        }
        catch (Exception e) when ((IsConnectionFailure(e) || e is ModelContextProtocol.McpProtocolException) && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable("listing tools failed", e);
        }

        return _tools.GetValueOrDefault(name);
    }

    /// <summary>The live client, connecting (again) when there is none or its session ended.</summary>
    public async Task<McpClient> GetClientAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var client = _client;
        if (client is not null && !client.Completion.IsCompleted)
        {
            return client;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this); // disposed while waiting: start no process
            if (_client is not null && !_client.Completion.IsCompleted)
            {
                return _client;
            }

            if (_client is not null)
            {
                var details = await _client.Completion.ConfigureAwait(false);
                ToolHostLog.ServerReconnecting(_logger, entry.Name, DescribeEnd(details));
                await _client.DisposeAsync().ConfigureAwait(false);
                _client = null;
            }

            _client = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            return _client;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Drops the current session (e.g. after its transport failed) so the next use reconnects.</summary>
    public async Task ResetAsync(McpClient broken)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(_client, broken))
            {
                _client = null;
                await broken.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True for exceptions that mean the session is gone, not that the request was refused.</summary>
    public static bool IsConnectionFailure(Exception e)
        => e is IOException or ObjectDisposedException or HttpRequestException
            || (e is ModelContextProtocol.McpException && e is not ModelContextProtocol.McpProtocolException);

    public ToolServerUnavailableException Unavailable(string what, Exception? cause)
    {
        string tail;
        lock (_standardErrorTail)
        {
            tail = _standardErrorTail.Count == 0 ? "" : $"; stderr: {string.Join(" | ", _standardErrorTail)}";
        }

        var reason = cause is null ? "" : $": {cause.Message}";
        return new ToolServerUnavailableException(entry.Name, $"MCP server '{entry.Name}' ({Describe()}): {what}{reason}{tail}", cause);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_client is not null)
            {
                await _client.DisposeAsync().ConfigureAwait(false);
                _client = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<McpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(policy.ConnectTimeout);
        try
        {
            var options = new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "agentmesh-toolhost", Version = "1.0.0" },
                InitializationTimeout = policy.ConnectTimeout,
            };
            var client = await McpClient.CreateAsync(CreateTransport(), options, loggerFactory, timeout.Token).ConfigureAwait(false);
            try
            {
                var tools = await FetchToolsAsync(client, timeout.Token).ConfigureAwait(false);
                SetTools(tools);
                ToolHostLog.ServerConnected(_logger, entry.Name, entry.Transport.ToString(), tools.Count);
                return client;
            }
            catch
            {
                await client.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable($"did not connect within {policy.ConnectTimeout.TotalSeconds:0.###} s", null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Unavailable("could not connect", e);
        }
    }

    private void SetTools(List<Tool> tools)
    {
        _toolList = tools;
        _tools = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    private static async Task<List<Tool>> FetchToolsAsync(McpClient client, CancellationToken cancellationToken)
    {
        var tools = new List<Tool>();
        if (client.ServerCapabilities.Tools is null)
        {
            return tools;
        }

        string? cursor = null;
        do
        {
            var page = await client.ListToolsAsync(new ListToolsRequestParams { Cursor = cursor }, cancellationToken).ConfigureAwait(false);
            tools.AddRange(page.Tools);
            cursor = page.NextCursor;
        }
        while (!string.IsNullOrEmpty(cursor));
        return tools;
    }

    private IClientTransport CreateTransport()
    {
        if (entry.Transport == McpServerTransportKind.Http)
        {
            return new HttpClientTransport(
                new HttpClientTransportOptions
                {
                    Name = entry.Name,
                    Endpoint = entry.Url!,
                    TransportMode = HttpTransportMode.StreamableHttp,
                    AdditionalHeaders = new Dictionary<string, string>(entry.Headers),
                    ConnectionTimeout = policy.ConnectTimeout,
                },
                loggerFactory);
        }

        lock (_standardErrorTail)
        {
            _standardErrorTail.Clear();
        }

        return new StdioClientTransport(
            new StdioClientTransportOptions
            {
                Name = entry.Name,
                Command = entry.Command!,
                Arguments = entry.Arguments.ToList(),
                // A scrubbed environment: the entry's variables and what a process needs to start, none of the host's secrets.
                EnvironmentVariables = ServerEnvironment.For(entry),
                WorkingDirectory = entry.WorkingDirectory,
                StandardErrorLines = OnStandardError,
            },
            loggerFactory);
    }

    private void OnStandardError(string line)
    {
        ToolHostLog.ServerStandardError(_logger, entry.Name, line);
        lock (_standardErrorTail)
        {
            _standardErrorTail.Enqueue(line);
            while (_standardErrorTail.Count > StandardErrorTailLines)
            {
                _standardErrorTail.Dequeue();
            }
        }
    }

    private string Describe() => entry.Transport == McpServerTransportKind.Http
        ? entry.Url!.ToString()
        : string.Join(' ', [entry.Command!, .. entry.Arguments]);

    private static string DescribeEnd(ClientCompletionDetails details) => details switch
    {
        StdioClientCompletionDetails stdio => $"process {stdio.ProcessId} exited with code {stdio.ExitCode?.ToString() ?? "unknown"}",
        _ => details.Exception?.Message ?? "closed",
    };
}
