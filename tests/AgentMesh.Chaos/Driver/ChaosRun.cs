using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Dapr.DurableTask.Protobuf;
using Grpc.Net.Client;

namespace AgentMesh.Chaos.Driver;

/// <summary>
/// One chaos run: starts the host, drives the plan's traffic (starts and external events) from
/// outside over gRPC while SIGKILLing the host at random moments and starting it again on the same
/// file and port, then lets the last host finish everything and audits the result (<see cref="ChaosAudit"/>).
/// </summary>
public static class ChaosRun
{
    /// <summary>Runs <paramref name="settings"/>; progress lines go to <paramref name="progress"/>. Throws only when the harness itself cannot run (e.g. a host that never gets ready).</summary>
    public static async Task<ChaosReport> RunAsync(ChaosSettings settings, TextWriter progress, CancellationToken cancellationToken = default)
    {
        settings.Validate();
        var files = new RunFiles(settings.Directory ?? System.IO.Directory.CreateTempSubdirectory("agentmesh-chaos-").FullName);
        System.IO.Directory.CreateDirectory(files.Directory);
        var plan = ChaosPlan.Create(settings);
        var report = new ChaosReport(settings, files.Directory);
        foreach (var instance in plan)
            report.Kinds[instance.Kind].Planned++;

        var port = FreePort();
        // grpc-dotnet backs off reconnecting to a dead server up to 120 s by default; the driver wants
        // the restarted host as soon as it listens.
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
        {
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(50), MaxReconnectBackoff = TimeSpan.FromMilliseconds(100),
        });
        var hub = new HubCalls(new TaskHubSidecarService.TaskHubSidecarServiceClient(channel), settings.SettleTimeout);
        var clock = new GenerationClock(settings.Kills + 1);
        var killTimes = new Random(settings.Seed ^ 0x6b696c6c);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = Stopwatch.StartNew();
        var host = await StartHostAsync(1).ConfigureAwait(false);
        try
        {
            var traffic = Task.WhenAll(plan.Where(p => !p.StartedByParent).Select(p => DriveAsync(p, hub, clock, report, stop.Token)));
            for (var kill = 1; kill <= settings.Kills; kill++)
            {
                var uptime = settings.MinUptime + killTimes.NextDouble() * (settings.MaxUptime - settings.MinUptime);
                var lived = await Task.WhenAny(Task.Delay(uptime, stop.Token), host.Exited, traffic).ConfigureAwait(false);
                if (lived == host.Exited)
                    throw new InvalidOperationException($"Chaos host {host.Generation} exited by itself; see {files.HostLog(host.Generation)}.");
                if (lived == traffic)
                    await traffic.ConfigureAwait(false);
                host.Kill();
                report.Hosts.Add(new HostLife(host.Generation, host.Startup, uptime, DateTimeOffset.UtcNow));
                progress.WriteLine($"killed host {host.Generation} {uptime.TotalSeconds:0.00} s after it was ready");
                host.Dispose();
                host = await StartHostAsync(kill + 1).ConfigureAwait(false);
            }

            await traffic.WaitAsync(settings.SettleTimeout, stop.Token).ConfigureAwait(false);
            report.ChaosPhase = run.Elapsed;
            progress.WriteLine($"traffic done after {run.Elapsed.TotalSeconds:0.0} s; waiting for every instance to finish");
            await ChaosAudit.SettleAsync(plan, hub, report, stop.Token).ConfigureAwait(false);
            report.SettlePhase = run.Elapsed - report.ChaosPhase;
            report.Hosts.Add(new HostLife(host.Generation, host.Startup, null, null));
            await ChaosAudit.AuditAsync(plan, hub, files, report, stop.Token).ConfigureAwait(false);
            report.RetriedCalls = hub.Retries;
            report.CallFailures = hub.Failures.ToDictionary();
            return report;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            host.Dispose();
        }

        async Task<ChaosHostProcess> StartHostAsync(int generation)
        {
            var started = await ChaosHostProcess.StartAsync(settings.HostDll, port, files, generation, stop.Token).ConfigureAwait(false);
            // Its uptime counts from when the driver reaches it (the first connection of a run is slow to set up).
            await hub.HelloAsync(stop.Token).ConfigureAwait(false);
            clock.MarkReady(generation);
            progress.WriteLine($"host {generation} ready after {started.Startup.TotalSeconds:0.00} s");
            return started;
        }
    }

    /// <summary>Starts one planned instance and raises its events, each at its planned moment, retrying across outages.</summary>
    private static async Task DriveAsync(PlannedInstance instance, HubCalls hub, GenerationClock clock, ChaosReport report, CancellationToken cancellationToken)
    {
        await clock.WaitUntilAsync(instance.StartGeneration, instance.StartOffset, cancellationToken).ConfigureAwait(false);
        await hub.StartAsync(instance.Id, instance.WorkflowName, instance.InputJson, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref report.Kinds[instance.Kind].Started);
        foreach (var e in instance.Events)
        {
            await clock.WaitUntilAsync(e.Generation, e.Offset, cancellationToken).ConfigureAwait(false);
            if (await hub.RaiseAsync(instance.Id, e.Name, e.Payload.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false))
                Interlocked.Increment(ref report.EventsRaised);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
