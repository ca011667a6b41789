using AgentMesh.Grpc;
using AgentMesh.Grpc.Client;

namespace AgentMesh.Interop.Client;

/// <summary>The interop client: runs one named test case against a server and reports pass or fail.</summary>
public static class InteropClient
{
    /// <summary>How long one test case may take before it counts as failed.</summary>
    public static readonly TimeSpan CaseTimeLimit = TimeSpan.FromSeconds(60);

    /// <summary>Flags of <c>agentmesh-interop client</c>; the TLS and credential flags of official harnesses are accepted and ignored.</summary>
    public static readonly IReadOnlyCollection<string> Flags = new[]
    {
        "server_host", "server_port", "test_case", "use_tls", "server_host_override", "use_test_ca",
        "default_service_account", "oauth_scope", "service_account_key_file", "service_config_json",
    };

    /// <summary>The test cases this client implements, as named in the interop descriptions.</summary>
    public static IReadOnlyCollection<string> TestCases { get; } = CasesFor(null!, null!).Keys.ToArray();

    /// <summary><c>client --server_host=H --server_port=P --test_case=X [--use_tls=false]</c>. Returns the exit code: 0 passed, 1 failed.</summary>
    internal static Task<int> RunAsync(InteropFlags flags, TextWriter output, TextWriter error)
    {
        var host = flags.Get("server_host", "localhost");
        var port = flags.RequirePort("server_port");
        var testCase = flags.Require("test_case");
        if (flags.GetBool("use_tls", false))
        {
            throw new UsageException("--use_tls=true is not supported: the interop client speaks HTTP/2 cleartext; run it with --use_tls=false.");
        }

        if (!TestCases.Contains(testCase))
        {
            throw new UsageException($"Unknown --test_case={testCase}; supported: {string.Join(", ", TestCases)}.");
        }

        var authority = host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
        return RunAsync($"http://{authority}:{port}", testCase, output, error);
    }

    /// <summary>Runs <paramref name="testCase"/> against the server at <paramref name="address"/> (<c>http://host:port</c>). Returns 0 when it passed, 1 when it failed (with the reason on <paramref name="error"/>).</summary>
    public static async Task<int> RunAsync(string address, string testCase, TextWriter output, TextWriter error)
    {
        using var recorder = new CompressedFlagRecorder();
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = recorder });
        if (!CasesFor(channel, recorder).TryGetValue(testCase, out var run))
        {
            throw new UsageException($"Unknown test case '{testCase}'; supported: {string.Join(", ", TestCases)}.");
        }

        try
        {
            await run().WaitAsync(CaseTimeLimit);
            await output.WriteLineAsync($"PASSED {testCase} against {address}");
            return 0;
        }
        catch (Exception exception)
        {
            await error.WriteLineAsync($"FAILED {testCase} against {address}: {Explain(exception)}");
            return 1;
        }
    }

    private static string Explain(Exception exception) => exception switch
    {
        InteropFailure failure => failure.Message,
        RpcException rpc => $"a call ended with {rpc.StatusCode}: \"{rpc.Status.Detail}\".",
        TimeoutException => $"the test case did not finish within {CaseTimeLimit.TotalSeconds:0} s.",
        _ => exception.ToString(),
    };

    private static Dictionary<string, Func<Task>> CasesFor(GrpcChannel channel, CompressedFlagRecorder recorder)
    {
        var basic = new BasicCases(channel);
        var compression = new CompressionCases(channel, recorder);
        var status = new MetadataAndStatusCases(channel);
        var cancellation = new CancellationCases(channel);
        return new Dictionary<string, Func<Task>>(StringComparer.Ordinal)
        {
            ["empty_unary"] = basic.EmptyUnaryAsync,
            ["large_unary"] = basic.LargeUnaryAsync,
            ["client_streaming"] = basic.ClientStreamingAsync,
            ["server_streaming"] = basic.ServerStreamingAsync,
            ["ping_pong"] = basic.PingPongAsync,
            ["empty_stream"] = basic.EmptyStreamAsync,
            ["client_compressed_unary"] = compression.ClientCompressedUnaryAsync,
            ["server_compressed_unary"] = compression.ServerCompressedUnaryAsync,
            ["client_compressed_streaming"] = compression.ClientCompressedStreamingAsync,
            ["server_compressed_streaming"] = compression.ServerCompressedStreamingAsync,
            ["custom_metadata"] = status.CustomMetadataAsync,
            ["status_code_and_message"] = status.StatusCodeAndMessageAsync,
            ["special_status_message"] = status.SpecialStatusMessageAsync,
            ["unimplemented_method"] = status.UnimplementedMethodAsync,
            ["unimplemented_service"] = status.UnimplementedServiceAsync,
            ["cancel_after_begin"] = cancellation.CancelAfterBeginAsync,
            ["cancel_after_first_response"] = cancellation.CancelAfterFirstResponseAsync,
            ["timeout_on_sleeping_server"] = cancellation.TimeoutOnSleepingServerAsync,
        };
    }
}
