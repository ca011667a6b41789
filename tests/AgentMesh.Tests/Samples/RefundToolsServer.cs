using System.Diagnostics;
using System.Reflection;
using System.Text;
using AgentMesh.Tests.EndToEnd;
using AgentMesh.Tests.ToolHost;

namespace AgentMesh.Tests.Samples;

/// <summary>The sample MCP server in samples/RefundTools, as built next to its project (the test project references it so it is built first).</summary>
internal static class RefundToolsServer
{
    /// <summary>The "today" the tests pin (<c>--today</c>), so the seeded dates and day counts are fixed.</summary>
    public const string Today = "2026-03-15";

    /// <summary>The server's dll, in the same configuration as the tests.</summary>
    public static string Dll
    {
        get
        {
            var configuration = typeof(RefundToolsServer).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var path = Path.Combine(RepoPaths.Root, "samples", "RefundTools", "bin", configuration, "net10.0", "AgentMesh.Samples.RefundTools.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The refund tools server is not built (dotnet build samples/RefundTools -c {configuration}): {path}");
        }
    }

    /// <summary>The arguments after <c>dotnet</c> that start the server on stdio over <paramref name="databasePath"/>.</summary>
    public static string[] StdioArguments(string databasePath) => [Dll, "--db", databasePath, "--today", Today];

    /// <summary>Starts the server with <c>--http</c> on a free loopback port and waits until its <c>/healthz</c> answers.</summary>
    public static async Task<HttpServerProcess> StartHttpAsync(string databasePath)
    {
        var port = HostProcess.FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in StdioArguments(databasePath).Concat(["--http", "--urls", $"http://127.0.0.1:{port}"]))
        {
            start.ArgumentList.Add(argument);
        }

        var server = new HttpServerProcess(Process.Start(start)!, port);
        try
        {
            await server.WaitUntilHealthyAsync(McpTestServers.Timeout);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>A running HTTP server process; its output is kept for failure messages. Dispose kills it.</summary>
    internal sealed class HttpServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public HttpServerProcess(Process process, int port)
        {
            _process = process;
            Port = port;
            _process.OutputDataReceived += (_, e) => Keep(e.Data);
            _process.ErrorDataReceived += (_, e) => Keep(e.Data);
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int Port { get; }

        /// <summary>The MCP endpoint, <c>http://127.0.0.1:PORT/mcp</c>.</summary>
        public string McpUrl => $"http://127.0.0.1:{Port}/mcp";

        public async Task WaitUntilHealthyAsync(TimeSpan timeout)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var until = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < until)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"The refund tools server exited ({_process.ExitCode}) before it listened:\n{Output()}");
                }

                try
                {
                    using var response = await http.GetAsync($"http://127.0.0.1:{Port}/healthz");
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException)
                {
                    // Listening but slow to answer; ask again.
                }

                await Task.Delay(100);
            }

            throw new TimeoutException($"The refund tools server did not answer /healthz on port {Port} within {timeout}:\n{Output()}");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }

            _process.Dispose();
        }

        private void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                if (_output.Length < 64_000)
                {
                    _output.AppendLine(line);
                }
            }
        }

        private string Output()
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }
}
