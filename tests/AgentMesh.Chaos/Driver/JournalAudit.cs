using AgentMesh.Chaos.Journal;

namespace AgentMesh.Chaos.Driver;

/// <summary>
/// Compares the activity journal with the recorded histories. The TaskCompleted of a task names (by
/// nonce) the execution whose completion the hub committed; that commit happened while the host of
/// that execution's generation lived, since a completion cannot outlive its host's process. So
/// another execution of the same task from an earlier generation is a re-run the kill allowed (the
/// completion was not committed yet), and one from that generation or a later one ran although (or
/// while) the completion was committed: a duplicate execution.
/// </summary>
public static class JournalAudit
{
    /// <summary>Checks <paramref name="entries"/> against <paramref name="histories"/> (by instance id).</summary>
    public static JournalFindings Check(IReadOnlyDictionary<string, TaskHistory> histories, IReadOnlyList<JournalEntry> entries)
    {
        var findings = new JournalFindings { Executions = entries.Count };
        var executed = new HashSet<(string, int)>();
        foreach (var group in entries.GroupBy(e => (e.InstanceId, e.TaskId)).OrderBy(g => g.Key))
        {
            var (instanceId, taskId) = group.Key;
            executed.Add(group.Key);
            findings.Tasks++;
            var where = $"{instanceId} task {taskId}";
            if (!histories.TryGetValue(instanceId, out var history))
            {
                findings.Problems.Add($"{where}: {group.Count()} execution(s) journaled for an instance the hub does not have");
                continue;
            }

            if (!history.Scheduled.TryGetValue(taskId, out var key))
                findings.Problems.Add($"{where}: executed, but its history has no TaskScheduled with that id");
            else if (group.FirstOrDefault(e => e.Key != key) is { } mismatch)
                findings.Problems.Add($"{where}: journaled as step '{mismatch.Key}' but scheduled as '{key}'");
            if (!history.Completed.TryGetValue(taskId, out var committed))
            {
                findings.Problems.Add($"{where}: executed {group.Count()} time(s) but no completion was recorded");
                continue;
            }

            var winner = group.FirstOrDefault(e => e.Nonce == committed.Nonce);
            if (winner is null)
            {
                findings.Problems.Add($"{where}: the recorded result (nonce {committed.Nonce}) comes from no journaled execution");
                continue;
            }

            foreach (var other in group.Where(e => e != winner).OrderBy(e => e.StartedAtMs))
            {
                if (other.Generation < winner.Generation)
                {
                    findings.ReRunsBeforeCommit++;
                }
                else
                {
                    findings.DuplicatesAfterCommit++;
                    findings.Problems.Add(
                        $"{where} ({winner.Key}): ran again in host generation {other.Generation} (nonce {other.Nonce}, started {At(other.StartedAtMs)}) " +
                        $"though the completion of generation {winner.Generation}'s execution (nonce {winner.Nonce}) was committed at {At(committed.CommittedAtMs)}");
                }
            }
        }

        foreach (var (instanceId, history) in histories.OrderBy(h => h.Key))
        {
            foreach (var taskId in history.Completed.Keys.Where(id => !executed.Contains((instanceId, id))).Order())
                findings.Problems.Add($"{instanceId} task {taskId}: completed in the history but never journaled");
        }

        return findings;
    }

    private static string At(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
}
