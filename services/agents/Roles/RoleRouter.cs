using System.Text.Json;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Models;
using Grpc.Core;
using Microsoft.Extensions.AI;

namespace AgentMesh.Services.Agents.Roles;

/// <summary>
/// The router: picks the role for a plan step that names a capability instead of a role. The only role declaring the
/// capability takes it; among several, a model call (role <c>router</c>, structured output naming one of them with a
/// reason) chooses by the step's instruction and the roles' descriptions.
/// </summary>
public sealed class RoleRouter(AgentRoleCatalog roles, IChatClientProvider models, ModelPriceTable prices)
{
    /// <summary>The model role (Models:Roles:router) whose client makes the choice among several roles.</summary>
    public const string ModelRole = "router";

    /// <summary>
    /// The role for <paramref name="request"/>'s step. Throws <see cref="RpcException"/>: FAILED_PRECONDITION (class
    /// <c>fatal</c>) when no role declares the capability; UNAVAILABLE (class <c>transient</c>) or FAILED_PRECONDITION
    /// (class <c>fatal</c>) when the model call fails.
    /// </summary>
    public async Task<ChooseRoleResponse> ChooseAsync(ChooseRoleRequest request, CancellationToken cancellationToken)
    {
        var step = request.Step ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "ChooseRoleRequest.step is required."));
        var candidates = roles.Roles.Where(r => r.Capabilities.Contains(step.Capability)).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
        {
            throw new RpcException(
                new Status(StatusCode.FailedPrecondition, $"No agent role declares capability \"{step.Capability}\" (step \"{step.Id}\"); roles declare capabilities in their prompt's front matter."),
                new Metadata { { FailureClasses.Trailer, FailureClasses.Fatal } });
        }

        if (candidates.Count == 1)
        {
            return new ChooseRoleResponse { AgentRole = candidates[0].Name, Reason = $"the only role with capability {step.Capability}", Usage = new Usage() };
        }

        return await AskModelAsync(request, step, candidates, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ChooseRoleResponse> AskModelAsync(ChooseRoleRequest request, PlanStep step, List<AgentRole> candidates, CancellationToken cancellationToken)
    {
        var schema = JsonSerializer.SerializeToElement(new
        {
            type = "object",
            properties = new { role = new { @enum = candidates.Select(c => c.Name).ToArray() }, reason = new { type = "string" } },
            required = new[] { "role", "reason" },
        });
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "route") };
        ModelCallTags.Set(options, ModelRole, step.Id, 1);
        var list = string.Join("\n", candidates.Select(c => $"- {c.Name}: {c.Description}"));
        ChatMessage[] messages =
        [
            new(ChatRole.System, $"You route a step of a plan to the agent role best suited to it. The roles with capability \"{step.Capability}\":\n{list}\n\nAnswer with JSON: {{\"role\": one of those names, \"reason\": one sentence}}."),
            new(ChatRole.User, $"Goal of the run: {request.Goal}\n\nThe step ({step.Id}): {step.Instruction}"),
        ];
        ChatResponse response;
        try
        {
            response = await models.GetChatClient(ModelRole).GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not RpcException)
        {
            throw ModelFailures.ToRpcException(e, ModelRole);
        }

        var usage = prices.Measure(response);
        var (role, reason) = Read(response.Text);
        return candidates.Any(c => c.Name == role)
            ? new ChooseRoleResponse { AgentRole = role!, Reason = reason, Usage = usage }
            : new ChooseRoleResponse { AgentRole = candidates[0].Name, Reason = $"the router named no role with capability {step.Capability}; the first by name", Usage = usage };
    }

    private static (string? Role, string Reason) Read(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            return (root.TryGetProperty("role", out var role) ? role.GetString() : null,
                root.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "");
        }
        catch (JsonException)
        {
            return (null, "");
        }
    }
}
