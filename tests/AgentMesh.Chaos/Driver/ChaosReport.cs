using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace AgentMesh.Chaos.Driver;

/// <summary>The counts of a chaos run and every problem it found (none means the hub kept every promise).</summary>
public sealed class ChaosReport(ChaosSettings settings, string directory)
{
    private readonly ConcurrentQueue<string> _problems = new();

    /// <summary>The run's settings.</summary>
    public ChaosSettings Settings => settings;

    /// <summary>The run's folder (hub file, journal, host logs).</summary>
    public string Directory => directory;

    /// <summary>Counts per workflow kind.</summary>
    public IReadOnlyDictionary<ChaosKind, KindCounts> Kinds { get; } = Enum.GetValues<ChaosKind>().ToDictionary(k => k, _ => new KindCounts());

    /// <summary>Every host process, in order; all but the last were SIGKILLed.</summary>
    public List<HostLife> Hosts { get; } = [];

    /// <summary>Per kill: instances created before it and finished after it (work the kill interrupted).</summary>
    public List<int> InFlightAtKills { get; } = [];

    /// <summary>What the journal said against the histories.</summary>
    public JournalFindings Journal { get; set; } = new();

    /// <summary>Journal lines that did not parse (torn by a kill mid-write).</summary>
    public int TornJournalLines { get; set; }

    /// <summary>TimerFired events in the histories.</summary>
    public int TimersFired { get; set; }

    /// <summary>Events the driver raised (accepted by the hub, counting retried copies).</summary>
    public int EventsRaised;

    /// <summary>EventRaised events in the histories.</summary>
    public int EventsInHistories { get; set; }

    /// <summary>Driver calls that failed on a dead or missing host and were made again.</summary>
    public int RetriedCalls { get; set; }

    /// <summary>The failures behind <see cref="RetriedCalls"/>, by status and detail.</summary>
    public IReadOnlyDictionary<string, int> CallFailures { get; set; } = new Dictionary<string, int>();

    /// <summary>Error and critical log lines of the hosts, and warnings of the hub (each also a problem).</summary>
    public int ErrorLogLines { get; set; }

    /// <summary>Other warnings the hosts logged.</summary>
    public int WarningLogLines { get; set; }

    /// <summary>From the first host's start to the last traffic call.</summary>
    public TimeSpan ChaosPhase { get; set; }

    /// <summary>From then until every instance had finished (or the settle timeout).</summary>
    public TimeSpan SettlePhase { get; set; }

    /// <summary>Lost or stuck instances, wrong outputs, duplicate executions, inconsistencies.</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    /// <summary>Records a problem.</summary>
    public void Problem(string problem) => _problems.Enqueue(problem);

    /// <summary>The report as text: the counts, then up to 40 problems.</summary>
    public string Format()
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        Line($"chaos run: seed {settings.Seed}, {settings.Workflows} workflows started by the driver (+{Kinds[ChaosKind.Child].Planned} children), {Hosts.Count(h => h.KilledAfter is not null)} kills, folder {directory}");
        Line($"  {"kind",-8} {"planned",8} {"started",8} {"completed",10}");
        foreach (var (kind, counts) in Kinds)
            Line($"  {kind,-8} {counts.Planned,8} {counts.Started,8} {counts.Completed,10}");
        Line($"hosts started: {Hosts.Count} (ready after {string.Join(", ", Hosts.Select(h => Seconds(h.Startup)))})");
        Line($"hosts SIGKILLed after: {string.Join(", ", Hosts.Where(h => h.KilledAfter is not null).Select(h => Seconds(h.KilledAfter!.Value)))}");
        Line($"instances in flight at each kill: {string.Join(", ", InFlightAtKills)}");
        Line($"activity executions (journal lines): {Journal.Executions}; distinct tasks executed: {Journal.Tasks}; torn journal lines: {TornJournalLines}");
        Line($"re-executions allowed (killed before the completion was committed): {Journal.ReRunsBeforeCommit}");
        Line($"duplicate executions after a committed completion: {Journal.DuplicatesAfterCommit}");
        Line($"timers fired: {TimersFired}; external events raised: {EventsRaised} (in histories: {EventsInHistories}); driver calls retried across outages: {RetriedCalls}");
        foreach (var (failure, count) in CallFailures.OrderByDescending(f => f.Value).Take(5))
            Line($"  {count} x {failure}");
        Line($"host log lines: {ErrorLogLines} errors and hub warnings, {WarningLogLines} other warnings");
        Line($"time: chaos {Seconds(ChaosPhase)}, settling {Seconds(SettlePhase)}");
        Line($"problems: {_problems.Count}");
        foreach (var problem in _problems.Take(40))
            text.Append("  - ").AppendLine(problem);
        return text.ToString();
    }

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture);
}
