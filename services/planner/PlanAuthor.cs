using AgentMesh.Clients;
using Microsoft.Extensions.Logging;
using System.Text;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.Models;
using AgentMesh.Planning;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AgentMesh.Services.Planner;

/// <summary>
/// Asks the model for a plan, validates it, and on an invalid plan sends the validation errors
/// back to the model once before giving up.
/// </summary>
public sealed class PlanAuthor(IChatClientProvider models, ModelPriceTable prices, IOptions<PlannerOptions> options, ILogger<PlanAuthor> logger)
{
    private static readonly string PromptTemplate = ReadPrompt();

    /// <summary>
    /// Returns a valid plan for <paramref name="request"/>'s goal and what it used; for plan version 2 or more (replanning)
    /// the model is also told why the previous plan failed and what its finished steps produced, and its calls are tagged
    /// with step <c>replan-&lt;version&gt;</c>. Reports each model turn to <paramref name="onTurn"/>.
    /// Throws <see cref="PlanValidationException"/> when the corrected plan is still invalid, and
    /// <see cref="RpcException"/> when the model call fails (FAILED_PRECONDITION for a cassette
    /// without the exchange, UNAVAILABLE otherwise).
    /// </summary>
    public async Task<PlanResult> CreateAsync(CreatePlanRequest request, Func<ModelTurn, Task> onTurn, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var validator = new PlanValidator(settings.Roles.Keys);
        var chat = models.GetChatClient(settings.ModelRole);
        var replanning = request.PlanVersion > 1;
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, SystemPrompt(settings.Roles)),
            new(ChatRole.User, replanning ? ReplanPrompt(request) : $"Goal: {request.Goal}"),
        };
        var usage = new Usage();
        for (var turn = 1; ; turn++)
        {
            var chatOptions = new ChatOptions { ResponseFormat = ChatResponseFormat.Json };
            ModelCallTags.Set(chatOptions, settings.ModelRole, replanning ? $"replan-{request.PlanVersion}" : null, turn);
            ChatResponse response;
            try
            {
                response = await chat.GetStreamingResponseAsync(messages, chatOptions, cancellationToken).ToChatResponseAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not RpcException)
            {
                // The provider's text stays in the log; callers get a message for a person.
                if (e is not CassetteMissException)
                {
                    PlannerLog.ModelCallFailed(logger, turn, e);
                }

                throw ModelFailures.ToRpcException(e, settings.ModelRole);
            }

            var turnUsage = prices.Measure(response);
            usage.Add(turnUsage);
            await onTurn(new ModelTurn { AgentRole = settings.ModelRole, Turn = turn, Text = response.Text, Usage = turnUsage, Model = response.ModelId ?? "" }).ConfigureAwait(false);

            IReadOnlyList<string> errors;
            try
            {
                var plan = PlanJson.ToProto(PlanJson.Parse(response.Text));
                errors = validator.Validate(plan);
                if (errors.Count == 0)
                {
                    return new PlanResult { Plan = plan, Usage = usage };
                }
            }
            catch (PlanValidationException e)
            {
                errors = e.Errors;
            }

            if (turn == 2)
            {
                throw new PlanValidationException(errors);
            }

            messages.Add(new ChatMessage(ChatRole.Assistant, response.Text));
            messages.Add(new ChatMessage(ChatRole.User,
                "That plan is invalid:\n- " + string.Join("\n- ", errors) + "\nAnswer again with the corrected plan as JSON only."));
        }
    }

    /// <summary>The user message of a replanning request: the goal, the failed plan, why it failed, and what its finished steps produced.</summary>
    private static string ReplanPrompt(CreatePlanRequest request)
    {
        var text = new StringBuilder();
        text.Append("Goal: ").AppendLine(request.Goal).AppendLine();
        text.Append("This is plan version ").Append(request.PlanVersion).AppendLine(". The previous plan failed:");
        text.AppendLine(request.PreviousFailure).AppendLine();
        text.AppendLine("The previous plan:").AppendLine(PlanJson.Serialize(PlanJson.FromProto(request.PreviousPlan ?? new Plan())));
        foreach (var output in request.OutputsSoFar)
        {
            text.AppendLine().Append("Output of its step ").Append(output.StepId).Append(" (").Append(output.AgentRole).AppendLine("):").AppendLine(output.Output);
        }

        text.AppendLine().Append("Make a new plan that reaches the goal another way; include in its instructions what the outputs above already established, since its steps will not see them.");
        return text.ToString();
    }

    private static string SystemPrompt(IReadOnlyDictionary<string, string> roles)
    {
        var list = new StringBuilder();
        foreach (var (name, description) in roles.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            list.Append("  - ").Append(name).Append(": ").AppendLine(description);
        }

        return PromptTemplate.Replace("{{schema}}", PlanJson.Schema.Trim()).Replace("{{roles}}", list.ToString().TrimEnd());
    }

    private static string ReadPrompt()
    {
        using var stream = typeof(PlanAuthor).Assembly.GetManifestResourceStream("planner.md")
            ?? throw new InvalidOperationException("planner.md is not embedded in the Planner service.");
        return new StreamReader(stream).ReadToEnd();
    }
}
