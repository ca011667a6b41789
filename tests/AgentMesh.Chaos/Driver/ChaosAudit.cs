using System.Text.Json;
using AgentMesh.Chaos.Journal;
using Dapr.DurableTask.Protobuf;

namespace AgentMesh.Chaos.Driver;

/// <summary>
/// The end of a run, against the last host: waits until every instance has finished, then checks
/// that none is lost, each completed with its expected output, histories are consistent, and the
/// journal shows no activity that ran again after its completion was committed (<see cref="JournalAudit"/>).
/// </summary>
internal static class ChaosAudit
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Polls until every planned instance is terminal or <see cref="ChaosSettings.SettleTimeout"/> passes; each one still running then is a problem.</summary>
    public static async Task SettleAsync(IReadOnlyList<PlannedInstance> plan, HubCalls hub, ChaosReport report, CancellationToken cancellationToken)
    {
        var pending = plan.Select(p => p.Id).ToList();
        var until = DateTime.UtcNow + report.Settings.SettleTimeout;
        while (pending.Count > 0 && DateTime.UtcNow < until)
        {
            var finished = new List<string>();
            foreach (var id in pending)
            {
                if (await hub.GetAsync(id, withPayloads: false, cancellationToken).ConfigureAwait(false) is { } state && IsTerminal(state.WorkflowStatus))
                    finished.Add(id);
            }

            pending.RemoveAll(finished.Contains);
            if (pending.Count > 0)
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in pending)
        {
            var state = await hub.GetAsync(id, withPayloads: false, cancellationToken).ConfigureAwait(false);
            var history = state is null ? [] : await hub.HistoryAsync(id, cancellationToken).ConfigureAwait(false);
            report.Problem($"{id}: stuck {state?.WorkflowStatus.ToString() ?? "(missing)"} {report.Settings.SettleTimeout.TotalSeconds:0} s after the traffic ended; history: {Describe(history)}");
        }
    }

    /// <summary>Checks the finished run and fills the report's counts.</summary>
    public static async Task AuditAsync(IReadOnlyList<PlannedInstance> plan, HubCalls hub, RunFiles files, ChaosReport report, CancellationToken cancellationToken)
    {
        var known = (await hub.ListIdsAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        foreach (var lost in plan.Where(p => !known.Contains(p.Id)))
            report.Problem($"{lost.Id}: lost, not among the hub's instances");
        foreach (var extra in known.Except(plan.Select(p => p.Id)))
            report.Problem($"{extra}: an instance nobody started");

        var kills = report.Hosts.Where(h => h.KilledAt is not null).Select(h => h.KilledAt!.Value).ToList();
        var inFlight = new int[kills.Count];
        var histories = new Dictionary<string, TaskHistory>(StringComparer.Ordinal);
        foreach (var instance in plan.Where(p => known.Contains(p.Id)))
        {
            var state = await hub.GetAsync(instance.Id, withPayloads: true, cancellationToken).ConfigureAwait(false);
            var events = await hub.HistoryAsync(instance.Id, cancellationToken).ConfigureAwait(false);
            var history = histories[instance.Id] = TaskHistory.From(events);
            report.TimersFired += history.TimersFired;
            report.EventsInHistories += history.EventsRaised;
            foreach (var anomaly in history.Anomalies)
                report.Problem($"{instance.Id}: {anomaly}");
            if (state is null)
                continue;
            if (instance.StartedByParent)
                Interlocked.Increment(ref report.Kinds[instance.Kind].Started);
            CheckOutcome(instance, state, events, report);
            var created = state.CreatedTimestamp.ToDateTimeOffset();
            var completed = state.CompletedTimestamp?.ToDateTimeOffset();
            for (var k = 0; k < kills.Count; k++)
            {
                if (created < kills[k] && (completed is null || completed > kills[k]))
                    inFlight[k]++;
            }
        }

        report.InFlightAtKills.AddRange(inFlight);
        var (entries, torn) = JournalEntry.ReadAll(files.Journal);
        report.TornJournalLines = torn;
        report.Journal = JournalAudit.Check(histories, entries);
        foreach (var problem in report.Journal.Problems)
            report.Problem(problem);
        CheckHostLogs(files, report);
    }

    private static void CheckOutcome(PlannedInstance instance, WorkflowState state, IReadOnlyList<HistoryEvent> events, ChaosReport report)
    {
        if (state.WorkflowStatus != OrchestrationStatus.Completed)
        {
            report.Problem($"{instance.Id}: ended {state.WorkflowStatus} ({state.FailureDetails?.ErrorType}: {state.FailureDetails?.ErrorMessage}); history: {Describe(events)}");
            return;
        }

        var output = string.IsNullOrEmpty(state.Output) ? null : JsonSerializer.Deserialize<string>(state.Output, Json);
        if (output == instance.ExpectedOutput)
            Interlocked.Increment(ref report.Kinds[instance.Kind].Completed);
        else
            report.Problem($"{instance.Id}: output '{output}', expected '{instance.ExpectedOutput}'; history: {Describe(events)}");
    }

    /// <summary>
    /// Error and critical lines (<c>fail:</c>, <c>crit:</c>) of every host log, and the hub's own warnings
    /// (a stale or refused completion: within one process the hub lost track of work it had handed out):
    /// each one is a problem. Other warnings are only counted.
    /// </summary>
    private static void CheckHostLogs(RunFiles files, ChaosReport report)
    {
        foreach (var host in report.Hosts)
        {
            var path = files.HostLog(host.Generation);
            if (!File.Exists(path))
                continue;
            foreach (var line in File.ReadLines(path))
            {
                if (line.Contains("fail: ", StringComparison.Ordinal) || line.Contains("crit: ", StringComparison.Ordinal)
                    || line.Contains("warn: AgentMesh.TaskHub", StringComparison.Ordinal))
                {
                    report.ErrorLogLines++;
                    report.Problem($"host {host.Generation} logged: {line.Trim()}");
                }
                else if (line.Contains("warn: ", StringComparison.Ordinal))
                {
                    report.WarningLogLines++;
                }
            }
        }
    }

    /// <summary>
    /// A history in one line: event types with their ids, and the times (ms after the first event) of
    /// turns and timers, e.g. <c>WorkflowStarted@0 ExecutionStarted TimerCreated#0(fireAt@1438) … WorkflowStarted@1438 TimerFired→0</c>.
    /// </summary>
    private static string Describe(IReadOnlyList<HistoryEvent> events)
    {
        var origin = events.Count == 0 ? DateTimeOffset.MinValue : events[0].Timestamp.ToDateTimeOffset();
        string At(Google.Protobuf.WellKnownTypes.Timestamp time) => (time.ToDateTimeOffset() - origin).TotalMilliseconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join(' ', events.Select(e => e.EventTypeCase switch
        {
            HistoryEvent.EventTypeOneofCase.WorkflowStarted => $"WorkflowStarted@{At(e.Timestamp)}",
            HistoryEvent.EventTypeOneofCase.TaskScheduled => $"TaskScheduled#{e.EventId}",
            HistoryEvent.EventTypeOneofCase.TimerCreated => $"TimerCreated#{e.EventId}(fireAt@{At(e.TimerCreated.FireAt)})",
            HistoryEvent.EventTypeOneofCase.TaskCompleted => $"TaskCompleted→{e.TaskCompleted.TaskScheduledId}",
            HistoryEvent.EventTypeOneofCase.TimerFired => $"TimerFired→{e.TimerFired.TimerId}",
            HistoryEvent.EventTypeOneofCase.EventRaised => $"EventRaised({e.EventRaised.Name})",
            _ => e.EventTypeCase.ToString(),
        }));
    }

    private static bool IsTerminal(OrchestrationStatus status) =>
        status is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;
}
