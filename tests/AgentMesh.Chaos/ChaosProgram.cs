using AgentMesh.Chaos.Driver;
using AgentMesh.Chaos.Host;

namespace AgentMesh.Chaos;

/// <summary>
/// <c>dotnet AgentMesh.Chaos.dll host --port P --database D --journal J --generation G</c>: one host process.
/// <c>dotnet AgentMesh.Chaos.dll state-writer --database D --writers N</c>: State writes until killed (<see cref="StateWriter"/>).
/// <c>dotnet AgentMesh.Chaos.dll run [--workflows N] [--kills K] [--seed S] [--min-uptime s] [--max-uptime s]
/// [--settle-timeout s] [--directory D]</c>: a whole chaos run; prints its report and exits 1 when it found a problem.
/// </summary>
public static class ChaosProgram
{
    /// <summary>Entry point.</summary>
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "host":
                return await ChaosHost.RunAsync(new CommandLine(args.Skip(1))).ConfigureAwait(false);
            case "state-writer":
                return await StateWriter.RunAsync(new CommandLine(args.Skip(1))).ConfigureAwait(false);
            case "run":
                var settings = ChaosSettings.From(new CommandLine(args.Skip(1)));
                var report = await ChaosRun.RunAsync(settings, Console.Out).ConfigureAwait(false);
                Console.WriteLine(report.Format());
                return report.Problems.Count == 0 ? 0 : 1;
            default:
                Console.Error.WriteLine("usage: AgentMesh.Chaos host --port P --database D --journal J --generation G");
                Console.Error.WriteLine("       AgentMesh.Chaos run [--workflows N] [--kills K] [--seed S] [--min-uptime s] [--max-uptime s] [--settle-timeout s] [--directory D]");
                return 2;
        }
    }
}
