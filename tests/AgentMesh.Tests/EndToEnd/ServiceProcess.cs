using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace AgentMesh.Tests.EndToEnd;

/// <summary>
/// One AgentMesh service as its own OS process (services/&lt;name&gt;/Program.cs, built next to the
/// test binaries), listening on a free loopback port; ready once its gRPC health says SERVING.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private ServiceProcess(Process process, string address)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Address = address;
    }

    public string Address { get; }

    /// <summary>Starts <c>AgentMesh.Services.{name}.dll</c> with <paramref name="settings"/> as environment variables (e.g. <c>Mesh__State</c>).</summary>
    public static ServiceProcess Start(string name, IReadOnlyDictionary<string, string> settings, string workingDirectory)
    {
        var address = $"http://127.0.0.1:{HostProcess.FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, $"AgentMesh.Services.{name}.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address);
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        return new ServiceProcess(Process.Start(start)!, address);
    }

    /// <summary>Waits (up to 60 s) until grpc.health.v1 reports <paramref name="grpcService"/> SERVING; fails with the process's stderr when it exits first.</summary>
    public async Task WaitUntilServingAsync(string grpcService)
    {
        using var channel = GrpcChannel.ForAddress(Address);
        var health = new Health.HealthClient(channel);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(_process.StartInfo.ArgumentList[0])} exited with {_process.ExitCode}: {await _stderr}");
            }

            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest { Service = grpcService }, deadline: DateTime.UtcNow.AddSeconds(5));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                // Not listening yet.
            }

            Assert.True(DateTime.UtcNow < until, $"{grpcService} at {Address} did not become SERVING within 60 s");
            await Task.Delay(200);
        }
    }

    /// <summary>Waits (up to 60 s) for the process to exit on its own; returns its exit code and stderr.</summary>
    public async Task<(int ExitCode, string Stderr)> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (_process.ExitCode, await _stderr);
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
}
