using AgentMesh.Chaos.Driver;
using AgentMesh.Chaos.Journal;

namespace AgentMesh.Tests.Chaos;

/// <summary>The chaos harness's duplicate detector tells an allowed re-run from a run after a committed completion, and catches inconsistencies.</summary>
public sealed class JournalAuditTests
{
    private const string Id = "chaos-chain-00000";

    [Fact]
    public void A_rerun_from_a_generation_before_the_committed_one_is_allowed()
    {
        var findings = JournalAudit.Check(Histories("2.7"), [Entry(1, "1.3"), Entry(2, "2.7")]);

        Assert.Empty(findings.Problems);
        Assert.Equal((2, 1, 1, 0), (findings.Executions, findings.Tasks, findings.ReRunsBeforeCommit, findings.DuplicatesAfterCommit));
    }

    [Theory]
    [InlineData(3)] // a later host ran it again
    [InlineData(2)] // the same host ran it twice
    public void An_execution_in_or_after_the_generation_whose_completion_was_committed_is_a_violation(int generation)
    {
        var findings = JournalAudit.Check(Histories("2.7"), [Entry(2, "2.7"), Entry(generation, $"{generation}.9")]);

        Assert.Equal(1, findings.DuplicatesAfterCommit);
        Assert.Contains("ran again in host generation " + generation, Assert.Single(findings.Problems));
    }

    [Fact]
    public void A_recorded_result_without_its_execution_and_a_completed_task_never_journaled_are_problems()
    {
        Assert.Contains("comes from no journaled execution", Assert.Single(JournalAudit.Check(Histories("2.7"), [Entry(1, "1.1")]).Problems));
        Assert.Contains("never journaled", Assert.Single(JournalAudit.Check(Histories("2.7"), []).Problems));
    }

    private static Dictionary<string, TaskHistory> Histories(string committedNonce)
    {
        var history = new TaskHistory();
        history.Scheduled[1] = "chain-0";
        history.Completed[1] = new CommittedResult(committedNonce, 0);
        return new() { [Id] = history };
    }

    private static JournalEntry Entry(int generation, string nonce) => new(generation, Id, 1, "chain-0", nonce, 0, 0);
}
