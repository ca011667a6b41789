using System.CommandLine;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Net.Client;

namespace AgentMesh.Cli.Commands;

/// <summary>`agentmesh approve APPROVAL_ID [--deny] [--reason TEXT]`.</summary>
internal static class ApproveCommand
{
    public static Command Create()
    {
        var approvalId = new Argument<string>("approval-id") { Description = "The id from the run's approval request." };
        var deny = new Option<bool>("--deny") { Description = "Deny instead of approve." };
        var reason = new Option<string?>("--reason") { Description = "Why (shown to the agent when denied)." };
        var address = CliOptions.Address();
        var command = new Command("approve", "Approve (or --deny) a gated tool call.") { approvalId, deny, reason, address };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var channel = GrpcChannel.ForAddress(CliOptions.RequireAddress(parse.GetValue(address)));
            var response = await new Orchestrator.OrchestratorClient(channel).SubmitApprovalAsync(new SubmitApprovalRequest
            {
                ApprovalId = parse.GetValue(approvalId)!,
                Approve = !parse.GetValue(deny),
                Reason = parse.GetValue(reason) ?? "",
            }, cancellationToken: cancellationToken);
            Console.WriteLine($"{(response.Decision.Approved ? "approved" : "denied")} {response.Decision.ApprovalId} (run {response.RunId})");
            return 0;
        });
        return command;
    }
}
