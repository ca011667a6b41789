using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace AgentMesh.Tests.Interop;

/// <summary>
/// The peers of the interop tests: the official Python and Ruby interop clients and servers (from
/// Debian's grpc source package, prepared by tests/interop/peers/prepare.sh), our grpc-js ones, and
/// our grpcio compression server (tests/interop/peers/python-compression-server.py).
/// </summary>
public static class InteropPeers
{
    public const string Python = "python";
    public const string Ruby = "ruby";
    public const string GrpcJs = "grpc-js";
    public const string PythonCompression = "python-compression";

    /// <summary>The peers with an interop client.</summary>
    public static readonly IReadOnlyList<string> ClientPeers = new[] { Python, Ruby, GrpcJs };

    /// <summary>The peers with an interop server.</summary>
    public static readonly IReadOnlyList<string> ServerPeers = new[] { Python, Ruby, GrpcJs, PythonCompression };

    /// <summary>The cases every peer implements.</summary>
    public static readonly IReadOnlyList<string> CoreCases = new[]
    {
        "empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
        "cancel_after_begin", "cancel_after_first_response", "timeout_on_sleeping_server", "custom_metadata",
        "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
    };

    /// <summary>The compression cases; they need a server with CompressedRequest and CompressedResponse.</summary>
    public static readonly IReadOnlyList<string> CompressionCases = new[]
    {
        "client_compressed_unary", "server_compressed_unary", "client_compressed_streaming", "server_compressed_streaming",
    };

    private static readonly Lazy<Task> Prepared = new(PrepareAsync);

    private static string PeersDirectory => Path.Combine(RepoPaths.Root, "tests", "interop", ".peers");

    /// <summary>
    /// The cases each peer's client implements: Python's has no compression cases, Ruby's has the
    /// client_compressed ones but no special_status_message, grpc-js (ours) has all.
    /// </summary>
    public static IReadOnlyList<string> ClientCases(string peer) => peer switch
    {
        Python => CoreCases,
        Ruby => CoreCases.Where(c => c != "special_status_message").Concat(new[] { "client_compressed_unary", "client_compressed_streaming" }).ToList(),
        GrpcJs => CoreCases.Concat(CompressionCases).ToList(),
        _ => throw new ArgumentOutOfRangeException(nameof(peer), peer, "Unknown peer."),
    };

    /// <summary>
    /// The cases our client runs against each peer's server. The official Python and Ruby servers
    /// ignore response_compressed and expect_compressed, and grpc-js can neither compress responses
    /// nor tell a handler how a request arrived, so they serve the core cases only. The grpcio
    /// compression server serves CompressedResponse (the server_compressed cases) and nothing else;
    /// grpcio cannot tell a handler how a request arrived either.
    /// </summary>
    public static IReadOnlyList<string> ServerCases(string peer) => peer switch
    {
        Python or Ruby or GrpcJs => CoreCases,
        PythonCompression => new[] { "server_compressed_unary", "server_compressed_streaming" },
        _ => throw new ArgumentOutOfRangeException(nameof(peer), peer, "Unknown peer."),
    };

    /// <summary>(peer, case) for each of <paramref name="peers"/> and every case <paramref name="casesOf"/> gives it, as theory data.</summary>
    public static TheoryData<string, string> Matrix(IReadOnlyList<string> peers, Func<string, IReadOnlyList<string>> casesOf)
    {
        var data = new TheoryData<string, string>();
        foreach (var peer in peers)
        {
            foreach (var testCase in casesOf(peer))
            {
                data.Add(peer, testCase);
            }
        }

        return data;
    }

    /// <summary>Starts <paramref name="peer"/>'s interop client running <paramref name="testCase"/> against 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<PeerProcess> StartClientAsync(string peer, int port, string testCase)
    {
        var flags = new[] { "--server_host=127.0.0.1", $"--server_port={port}", $"--test_case={testCase}", "--use_tls=false" };
        return await StartAsync(peer, "client", flags);
    }

    /// <summary>Starts <paramref name="peer"/>'s interop server on a free port and waits until it accepts connections.</summary>
    public static async Task<(PeerProcess Process, int Port)> StartServerAsync(string peer)
    {
        if (peer is GrpcJs or PythonCompression)
        {
            // ours: they pick the port themselves and print {"port": N} once listening
            var ours = await StartAsync(peer, "server", new[] { "--port=0" });
            try
            {
                var port = JsonDocument.Parse(await ours.FirstLineAsync()).RootElement.GetProperty("port").GetInt32();
                return (ours, port);
            }
            catch
            {
                ours.Dispose();
                throw;
            }
        }

        var freePort = FreePort();
        var process = await StartAsync(peer, "server", new[] { $"--port={freePort}" });
        try
        {
            await WaitUntilListeningAsync(process, freePort);
            return (process, freePort);
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    private static async Task<PeerProcess> StartAsync(string peer, string role, IEnumerable<string> flags)
    {
        switch (peer)
        {
            case Python:
                await Prepared.Value;
                return PeerProcess.Start("/usr/bin/python3", Path.Combine(PeersDirectory, "python"),
                    new[] { "-m", $"tests.interop.{role}" }.Concat(flags));
            case Ruby:
                await Prepared.Value;
                return PeerProcess.Start("ruby", Path.Combine(PeersDirectory, "ruby"), new[] { $"pb/test/{role}.rb" }.Concat(flags));
            case GrpcJs:
                return PeerProcess.Start("node", RepoPaths.Root,
                    new[] { Path.Combine("tests", "interop", "peers", $"grpc-js-{role}.js") }.Concat(flags));
            case PythonCompression when role == "server":
                await Prepared.Value; // its stubs are the Python peer's
                return PeerProcess.Start("/usr/bin/python3", RepoPaths.Root,
                    new[] { Path.Combine("tests", "interop", "peers", "python-compression-server.py") }.Concat(flags));
            default:
                throw new ArgumentOutOfRangeException(nameof(peer), peer, "Unknown peer.");
        }
    }

    /// <summary>Runs tests/interop/peers/prepare.sh (it returns at once when the peers are ready).</summary>
    private static async Task PrepareAsync()
    {
        using var prepare = PeerProcess.Start("bash", RepoPaths.Root, new[] { Path.Combine("tests", "interop", "peers", "prepare.sh") });
        if (await prepare.WaitForExitAsync(TimeSpan.FromMinutes(10)) != 0)
        {
            throw new InvalidOperationException($"Preparing the official interop peers failed: {prepare.CommandLine}\n{prepare.Output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilListeningAsync(PeerProcess process, int port)
    {
        var limit = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (!process.HasExited && DateTime.UtcNow < limit)
            {
                await Task.Delay(100);
            }
            catch (SocketException exception)
            {
                throw new InvalidOperationException(
                    $"{process.CommandLine} is not listening on port {port} ({exception.SocketErrorCode}). Output:\n{process.Output}");
            }
        }
    }
}
