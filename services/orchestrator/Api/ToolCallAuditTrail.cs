using System.Security.Cryptography;
using System.Text;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Services.Orchestrator.Api;

/// <summary>
/// A run's tool calls as an audit trail (<see cref="ToolCallAudit"/>), built from its events in order: StepStarted
/// gives the role and attempt, ApprovalRequested and ApprovalResolved the approval, ToolCallStarted the arguments and
/// ToolCallCompleted the outcome, size and duration. A call started again after it completed is a new entry.
/// </summary>
public static class ToolCallAuditTrail
{
    /// <summary>The entries for <paramref name="events"/> (one run's, in sequence order).</summary>
    public static List<ToolCallAudit> Build(IEnumerable<RunEvent> events)
    {
        var trail = new List<ToolCallAudit>();
        var current = new Dictionary<(string Step, string Call), ToolCallAudit>();
        var steps = new Dictionary<string, (string Role, int Attempt)>(StringComparer.Ordinal);
        var byApproval = new Dictionary<string, ToolCallAudit>(StringComparer.Ordinal);

        ToolCallAudit Open(string stepId, string callId, string server, string tool)
        {
            var (role, attempt) = steps.GetValueOrDefault(stepId, ("", 0));
            var entry = new ToolCallAudit { StepId = stepId, AgentRole = role, Attempt = attempt, ToolCallId = callId, Server = server, Tool = tool };
            trail.Add(entry);
            current[(stepId, callId)] = entry;
            return entry;
        }

        foreach (var e in events)
        {
            switch (e.EventCase)
            {
                case RunEvent.EventOneofCase.StepStarted:
                    steps[e.StepStarted.StepId] = (e.StepStarted.AgentRole, e.StepStarted.Attempt);
                    break;
                case RunEvent.EventOneofCase.ApprovalRequested:
                    var request = e.ApprovalRequested;
                    var gated = current.TryGetValue((request.StepId, request.ToolCallId), out var known) && known.Outcome == "awaiting_approval"
                        ? known
                        : Open(request.StepId, request.ToolCallId, request.Server, request.Tool);
                    gated.Outcome = "awaiting_approval";
                    gated.ApprovalId = request.ApprovalId;
                    gated.ArgumentsSha256 = Sha256(request.ArgumentsJson);
                    byApproval[request.ApprovalId] = gated;
                    break;
                case RunEvent.EventOneofCase.ApprovalResolved:
                    if (byApproval.TryGetValue(e.ApprovalResolved.ApprovalId, out var decided))
                    {
                        decided.Approval = e.ApprovalResolved;
                        if (!e.ApprovalResolved.Approved)
                            decided.Outcome = "denied";
                    }
                    break;
                case RunEvent.EventOneofCase.ToolCallStarted:
                    var started = e.ToolCallStarted;
                    var entry = current.TryGetValue((started.StepId, started.ToolCallId), out var open) && open.Outcome is "awaiting_approval" or ""
                        ? open
                        : Open(started.StepId, started.ToolCallId, started.Server, started.Tool);
                    entry.ArgumentsSha256 = Sha256(started.ArgumentsJson);
                    entry.Outcome = "running";
                    break;
                case RunEvent.EventOneofCase.ToolCallCompleted:
                    var completed = e.ToolCallCompleted;
                    // A denied call completes without starting: its entry is the approval's.
                    if (!current.TryGetValue((completed.StepId, completed.ToolCallId), out var done))
                        done = Open(completed.StepId, completed.ToolCallId, completed.Server, completed.Tool);
                    done.DurationMs = completed.DurationMs;
                    done.ResultChars = completed.ResultChars;
                    done.Outcome = done.Approval is { Approved: false } ? "denied" : completed.IsError ? "error" : "ok";
                    break;
            }
        }

        return trail;
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
