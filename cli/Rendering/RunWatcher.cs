using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using Spectre.Console;

namespace AgentMesh.Cli.Rendering;

/// <summary>How approvals asked for during a watch are answered.</summary>
public enum ApprovalMode
{
    /// <summary>Leave them for `agentmesh approve`.</summary>
    None,

    /// <summary>Ask on the terminal.</summary>
    Ask,

    /// <summary>Approve every one.</summary>
    Approve,

    /// <summary>Deny every one.</summary>
    Deny,
}

/// <summary>Follows a run's events to its end, printing them and answering approvals.</summary>
public sealed class RunWatcher(Orchestrator.OrchestratorClient orchestrator, RunEventPrinter printer, ApprovalMode approvals, IAnsiConsole console)
{
    /// <summary>Watches until the run is terminal (resuming after a dropped stream) and returns its final record.</summary>
    public async Task<Run> WatchAsync(string runId, CancellationToken cancellationToken = default)
    {
        long after = 0;
        for (var reconnects = 0; ; reconnects++)
        {
            try
            {
                using var call = orchestrator.WatchRun(
                    new WatchRunRequest { RunId = runId, AfterSequence = after, IncludeDeltas = printer.WantsDeltas }, cancellationToken: cancellationToken);
                await foreach (var runEvent in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    // Deltas (sequence 0) are not in the log: a resumed watch starts after the last logged event.
                    after = runEvent.ModelDelta is null ? runEvent.Sequence : after;
                    printer.Print(runEvent);
                    if (runEvent.ApprovalRequested is { } request)
                    {
                        await AnswerAsync(request, cancellationToken).ConfigureAwait(false);
                    }
                }

                return await orchestrator.GetRunAsync(new GetRunRequest { RunId = runId }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && reconnects < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task AnswerAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        bool approve;
        switch (approvals)
        {
            case ApprovalMode.Approve:
                approve = true;
                break;
            case ApprovalMode.Deny:
                approve = false;
                break;
            case ApprovalMode.Ask:
                approve = await new ConfirmationPrompt($"Allow [yellow]{Markup.Escape(request.Server)}/{Markup.Escape(request.Tool)}[/]?") { DefaultValue = false }
                    .ShowAsync(console, cancellationToken).ConfigureAwait(false);
                break;
            default:
                console.MarkupLine($"[grey]  waiting: agentmesh approve {Markup.Escape(request.ApprovalId)} (or --deny)[/]");
                return;
        }

        await orchestrator.SubmitApprovalAsync(new SubmitApprovalRequest
        {
            ApprovalId = request.ApprovalId,
            Approve = approve,
            Reason = approvals switch
            {
                ApprovalMode.Approve => "--auto-approve",
                ApprovalMode.Deny => "--auto-deny",
                _ => "answered at the terminal",
            },
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
