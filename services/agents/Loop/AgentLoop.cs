using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.Models;
using AgentMesh.Services.Agents.Roles;
using AgentMesh.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>
/// The ReAct loop of one step: model → tool calls → results → model …, bounded by
/// <see cref="AgentsOptions.MaxIterations"/> model turns. Progress is checkpointed in State after
/// every model turn and every tool result that is not read-only (a read-only result goes with the next
/// turn's checkpoint). Checkpoints are written in order while the loop goes on (<see cref="CheckpointSaver"/>),
/// and waited for where a repeat would matter: before a tool call that is not read-only, after its result,
/// before the step waits for approvals and before its result. A crash can therefore repeat only model turns
/// whose tool calls were read-only, and read-only calls. A tool call that policy gates ends the step as
/// awaiting approval, and the decision re-enters the loop when the step runs again.
/// </summary>
public sealed class AgentLoop(
    AgentRoleCatalog roles,
    IChatClientProvider models,
    ToolHost.ToolHostClient toolHost,
    State.StateClient state,
    IOptions<AgentsOptions> options,
    ToolAllowlist allowlist,
    ToolArgumentValidator validator,
    ConcurrentTools concurrent,
    ModelPriceTable prices,
    ILogger<AgentLoop> logger)
{
    /// <summary>
    /// Runs or resumes <paramref name="request"/>'s step, sending progress to <paramref name="emit"/>;
    /// <paramref name="call"/>'s cancellation applies to the model and every call the step makes; the
    /// incoming call's deadline reaches the ToolHost and State calls through call-context propagation.
    /// The last event is a <see cref="StepResult"/> or an <see cref="AwaitingApproval"/>.
    /// Throws <see cref="RpcException"/>: INVALID_ARGUMENT for an unknown role, RESOURCE_EXHAUSTED (class <c>logic</c>)
    /// when the step reaches the iteration limit without a final answer or the run's budget runs out (<see cref="StepBudget"/>), ABORTED <c>loop_detected</c> (trailer
    /// <see cref="FailureClasses.Trailer"/> = <c>logic</c>) when the model repeats itself, FAILED_PRECONDITION
    /// <c>model_error</c> (class <c>model</c>) for a second mistaken tool call in a row, and for a failed model call
    /// FAILED_PRECONDITION (class <c>fatal</c>) or UNAVAILABLE (class <c>transient</c>). Once the checkpoint is loaded,
    /// every failure carries what the step used in trailer <see cref="StepFailureTrailers.Usage"/>.
    /// </summary>
    public async Task RunAsync(RunStepRequest request, Func<RunStepEvent, Task> emit, CallOptions call)
    {
        var step = request.Step ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "RunStepRequest.step is required."));
        var role = roles.Find(step.AgentRole)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"Unknown agent role \"{step.AgentRole}\"; known roles: {string.Join(", ", roles.Names.Order())}."));
        // A later plan's step may reuse an earlier plan's step id: its checkpoint is kept apart.
        var checkpointKey = request.PlanVersion > 1 ? $"{request.RunId}/v{request.PlanVersion}/{step.Id}" : $"{request.RunId}/{step.Id}";
        var (checkpoint, etag) = await LoadCheckpointAsync(checkpointKey, call).ConfigureAwait(false);
        var budget = new StepBudget(request.Budget ?? new Budget(), request.RunUsage ?? new Usage(), options.Value.MaxIterations, step.Id, checkpoint.ToolCalls);
        try
        {
            await RunLoopAsync(request, role, checkpoint, new CheckpointSaver(state, checkpointKey, etag, call), budget, emit, call).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            checkpoint.ToolCalls = budget.ToolCalls;
            throw StepFailureTrailers.WithUsage(e, checkpoint.ToUsage());
        }
    }

    private async Task RunLoopAsync(
        RunStepRequest request, AgentRole role, StepCheckpoint checkpoint, CheckpointSaver saver, StepBudget budget, Func<RunStepEvent, Task> emit, CallOptions call)
    {
        var cancellationToken = call.CancellationToken;
        var step = request.Step;
        var outputSchema = OutputSchemaOf(role, request);
        checkpoint.Revise(request.Round, request.RevisionFeedback);
        if (checkpoint.FinalOutput is not null)
        {
            await emit(Result(checkpoint)).ConfigureAwait(false);
            return;
        }

        if (checkpoint.Transcript.Count == 0)
        {
            checkpoint.Transcript.Add(new TranscriptEntry("system", role.SystemPrompt + "\n\n" + ToolOutputFence.Instruction));
            checkpoint.Transcript.Add(new TranscriptEntry("user", StepPrompt.Build(request)));
        }

        var listed = (await toolHost.ListToolsAsync(new ListToolsRequest(), call).ConfigureAwait(false)).Tools;
        var tools = new ToolCatalogView(listed.Where(t => allowlist.Allows(role.Name, t.Server, t.Name)));
        var decisions = request.Decisions.ToDictionary(d => d.ApprovalId, StringComparer.Ordinal);
        var chat = ChatClient(role, step);

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var awaiting = new AwaitingApproval();
            var unsaved = false;
            var toolCalls = UnansweredToolCalls(checkpoint);
            if (toolCalls.Count > 1 && toolCalls.All(c => tools.Find(c.Name) is { RequiresApproval: false } t && (t.Annotations?.ReadOnlyHint == true || concurrent.Patterns.Matches(t.Server, t.Name))))
            {
                // Every call of the turn is read-only or allowed to run alongside others, and ungated: they run at
                // once, and their results go back in the model's order. Calls that are not read-only keep their
                // guarantee: the turn is durable before they run, and their results before the step goes on.
                var allReadOnly = toolCalls.All(c => tools.Find(c.Name)!.Annotations?.ReadOnlyHint == true);
                if (!allReadOnly)
                {
                    await saver.SavedAsync().ConfigureAwait(false);
                }

                var emitOneAtATime = OneAtATime(emit);
                var answers = await Task.WhenAll(toolCalls.Select(c => AnswerToolCallAsync(request, c, tools, decisions, budget, emitOneAtATime, call))).ConfigureAwait(false);
                checkpoint.Transcript.AddRange(answers.Cast<TranscriptEntry>());
                checkpoint.ToolCalls = budget.ToolCalls;
                unsaved = allReadOnly;
                if (!allReadOnly)
                {
                    saver.Save(checkpoint);
                    await saver.SavedAsync().ConfigureAwait(false);
                }

                toolCalls = [];
            }

            foreach (var toolCall in toolCalls)
            {
                var readOnly = tools.Find(toolCall.Name)?.Annotations?.ReadOnlyHint == true;
                if (!readOnly)
                {
                    // The turn that asked for this call is durable before the call runs.
                    await saver.SavedAsync().ConfigureAwait(false);
                }

                var answer = await AnswerToolCallAsync(request, toolCall, tools, decisions, budget, emit, call).ConfigureAwait(false);
                if (answer is ApprovalRequest approval)
                {
                    awaiting.Approvals.Add(approval);
                    continue;
                }

                checkpoint.Transcript.Add((TranscriptEntry)answer);
                checkpoint.ToolCalls = budget.ToolCalls;
                // A read-only tool's result (MCP readOnlyHint) is saved with the next checkpoint, at the latest
                // the next model turn's: a crash before that only repeats a call that changes nothing. Any
                // other tool's result is saved before the step goes on, so its call is never repeated.
                if (readOnly)
                {
                    unsaved = true;
                    continue;
                }

                saver.Save(checkpoint);
                await saver.SavedAsync().ConfigureAwait(false);
                unsaved = false;
            }

            if (ModelMistakes.AfterCorrection(checkpoint.Transcript) is { } mistake)
            {
                saver.Save(checkpoint);
                throw new RpcException(
                    new Status(StatusCode.FailedPrecondition, $"model_error: step \"{step.Id}\" (role {role.Name}) made an invalid tool call again after being told what was wrong: {mistake}"),
                    new Metadata { { FailureClasses.Trailer, FailureClasses.Model } });
            }

            if (awaiting.Approvals.Count > 0)
            {
                if (unsaved)
                {
                    saver.Save(checkpoint);
                }

                await saver.SavedAsync().ConfigureAwait(false);
                await emit(new RunStepEvent { AwaitingApproval = awaiting }).ConfigureAwait(false);
                return;
            }

            budget.BeforeModelCall(checkpoint);
            var turn = checkpoint.Turns + 1;
            var chatOptions = new ChatOptions { Tools = tools.Functions };
            if (outputSchema is not null)
            {
                // Providers with structured outputs hold the answer to the schema; the answer is checked here either way.
                chatOptions.ResponseFormat = ChatResponseFormat.ForJsonSchema(outputSchema.Document, role.Name + "_answer");
            }

            ModelCallTags.Set(chatOptions, role.Name, step.Id, turn);
            var response = await CallModelAsync(chat, TranscriptMessages.ToChatMessages(checkpoint.Transcript), chatOptions, request.RunId, step, turn, emit, cancellationToken).ConfigureAwait(false);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()
                .Select(c => TranscriptMessages.ToRecord(c, tools)).ToList();
            var turnUsage = prices.Measure(response);
            checkpoint.Turns = turn;
            checkpoint.InputTokens += turnUsage.InputTokens;
            checkpoint.OutputTokens += turnUsage.OutputTokens;
            checkpoint.CachedInputTokens += turnUsage.CachedInputTokens;
            checkpoint.CostUsd += turnUsage.CostUsd;
            checkpoint.Transcript.Add(new TranscriptEntry("assistant", response.Text, calls));

            var answerProblem = calls.Count == 0 ? FinalAnswer.Take(checkpoint, outputSchema, response.Text) : null;
            saver.Save(checkpoint);
            await emit(new RunStepEvent
            {
                ModelTurn = new ModelTurn
                {
                    StepId = step.Id, AgentRole = role.Name, Turn = turn, Text = response.Text, ToolCallCount = calls.Count,
                    Model = response.ModelId ?? "", Usage = turnUsage,
                },
            }).ConfigureAwait(false);
            AgentsLog.ModelTurn(logger, request.RunId, step.Id, turn, calls.Count);
            budget.AfterModelCall(checkpoint);
            if (answerProblem is not null)
            {
                throw new RpcException(
                    new Status(StatusCode.FailedPrecondition, $"model_error: step \"{step.Id}\" (role {role.Name}) gave a final answer that does not fit its output schema again after being told what was wrong: {answerProblem}"),
                    new Metadata { { FailureClasses.Trailer, FailureClasses.Model } });
            }

            if (LoopDetector.Repeats(checkpoint.Transcript, options.Value.LoopDetectionRepeats) is { } repeated)
            {
                throw new RpcException(
                    new Status(StatusCode.Aborted, $"loop_detected: step \"{step.Id}\" (role {role.Name}) {repeated} {options.Value.LoopDetectionRepeats} times in a row; stopped without retrying."),
                    new Metadata { { FailureClasses.Trailer, FailureClasses.Logic } });
            }

            if (checkpoint.FinalOutput is not null)
            {
                await saver.SavedAsync().ConfigureAwait(false);
                await emit(Result(checkpoint)).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>The schema the step's final answer must fit: the request's, else the role's, else none. INVALID_ARGUMENT for a request schema that is not a JSON Schema.</summary>
    private static OutputSchema? OutputSchemaOf(AgentRole role, RunStepRequest request)
    {
        if (request.OutputSchemaJson.Length == 0)
        {
            return role.OutputSchema;
        }

        try
        {
            return OutputSchema.FromJson(request.OutputSchemaJson);
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
    }

    /// <summary>The model client of <paramref name="role"/> on the step's model tier, if it names one; FAILED_PRECONDITION (class <c>fatal</c>) for a tier that is not configured.</summary>
    private IChatClient ChatClient(AgentRole role, PlanStep step)
    {
        try
        {
            return models.GetChatClient(role.Name, step.ModelTier.Length > 0 ? step.ModelTier : null);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Step \"{step.Id}\" asks for a model tier this mesh does not have: {e.Message}"),
                new Metadata { { FailureClasses.Trailer, FailureClasses.Fatal } });
        }
    }

    /// <summary>
    /// One model call, streamed: its text goes to <paramref name="emit"/> as ModelDelta events while it comes. A scripted cassette without the exchange is FAILED_PRECONDITION (the run cannot go on as
    /// recorded). Any other provider failure is logged with the run and step, and reported with a message for a
    /// person and its class (<see cref="ModelFailures"/>): fatal (FAILED_PRECONDITION, not retried) or transient
    /// (UNAVAILABLE, so the step is retried).
    /// </summary>
    private async Task<ChatResponse> CallModelAsync(
        IChatClient chat, List<ChatMessage> messages, ChatOptions chatOptions, string runId, PlanStep step, int turn, Func<RunStepEvent, Task> emit, CancellationToken cancellationToken)
    {
        try
        {
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in chat.GetStreamingResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false))
            {
                updates.Add(update);
                if (update.Text is { Length: > 0 } text)
                {
                    // The text as it streams, for watchers who want it; the completed turn is what is kept.
                    await emit(new RunStepEvent { ModelDelta = new ModelDelta { StepId = step.Id, AgentRole = step.AgentRole, Turn = turn, Text = text } }).ConfigureAwait(false);
                }
            }

            return updates.ToChatResponse();
        }
        catch (Exception e) when (e is not OperationCanceledException and not RpcException)
        {
            var failure = ModelFailures.ToRpcException(e, step.AgentRole);
            if (e is not CassetteMissException)
            {
                AgentsLog.ModelCallFailed(logger, runId, step.Id, turn, failure.Trailers.GetValue(FailureClasses.Trailer) ?? "", e);
            }

            throw failure;
        }
    }

    /// <summary>Either a tool transcript entry (the call ran, failed, or was denied) or an approval request. A call that runs is counted against the run's tool-call budget first.</summary>
    private async Task<object> AnswerToolCallAsync(
        RunStepRequest request, ToolCallRecord toolCall, ToolCatalogView tools,
        Dictionary<string, ApprovalDecision> decisions, StepBudget budget, Func<RunStepEvent, Task> emit, CallOptions call)
    {
        var tool = tools.Find(toolCall.Name);
        if (tool is null)
        {
            return ModelMistake(toolCall, $"there is no tool named \"{toolCall.Name}\". Use one of the tools you were given.");
        }

        if (toolCall.ArgumentsError is { } unreadable)
        {
            return ModelMistake(toolCall, $"the arguments of {toolCall.Name} are not valid JSON ({unreadable}). Call it again with a JSON object.");
        }

        if (validator.Problem(tool.Server, tool.Name, tool.InputSchemaJson, toolCall.ArgumentsJson) is { } problem)
        {
            return ModelMistake(toolCall, $"the arguments of {toolCall.Name} do not match its input schema: {problem}. Call it again with arguments that do.");
        }

        var (gated, gatedBecause) = (tool.RequiresApproval, tool.ApprovalReason);
        if (tool.ApprovalDependsOnArguments)
        {
            // Approval rules on arguments: the ToolHost decides for this call (one round-trip; other tools need none).
            var verdict = await toolHost.CheckToolCallAsync(new CheckToolCallRequest { Server = tool.Server, Tool = tool.Name, ArgumentsJson = toolCall.ArgumentsJson }, call).ConfigureAwait(false);
            (gated, gatedBecause) = (verdict.RequiresApproval, verdict.Reason);
        }

        if (gated)
        {
            var approvalId = ApprovalId(request.RunId, request.Step.Id, toolCall.Id);
            if (!decisions.TryGetValue(approvalId, out var decision))
            {
                return new ApprovalRequest
                {
                    ApprovalId = approvalId, StepId = request.Step.Id, ToolCallId = toolCall.Id, Server = tool.Server,
                    Tool = tool.Name, ArgumentsJson = toolCall.ArgumentsJson, Reason = gatedBecause,
                };
            }

            if (!decision.Approved)
            {
                var why = string.IsNullOrWhiteSpace(decision.Reason) ? "" : $" Reason: {decision.Reason.Trim().TrimEnd('.')}.";
                var denied = $"A human reviewer denied this call to {tool.Server}/{tool.Name}; it did not run.{why} Do not retry it; continue without it.";
                await EmitCompletedAsync(emit, request, toolCall, isError: true, denied, 0).ConfigureAwait(false);
                return new TranscriptEntry("tool", denied, ToolCallId: toolCall.Id, IsError: true);
            }
        }

        budget.TakeToolCall();
        await emit(new RunStepEvent
        {
            ToolCallStarted = new ToolCallStarted
            {
                StepId = request.Step.Id, ToolCallId = toolCall.Id, Server = tool.Server, Tool = tool.Name, ArgumentsJson = toolCall.ArgumentsJson,
            },
        }).ConfigureAwait(false);
        var watch = Stopwatch.StartNew();
        var (isError, text) = await CallToolAsync(tool, toolCall, request, call).ConfigureAwait(false);
        await EmitCompletedAsync(emit, request, toolCall, isError, text, watch.ElapsedMilliseconds).ConfigureAwait(false);
        // What a tool returns is untrusted data: cut to size and fenced before it enters the model's context.
        return new TranscriptEntry("tool", ToolOutputFence.Wrap(tool.Server, tool.Name, text, options.Value.MaxToolResultChars), ToolCallId: toolCall.Id, IsError: isError);
    }

    /// <summary>One tool call through the ToolHost, in an <c>execute_tool {tool}</c> span (GenAI semantic conventions; the tool's name as the
    /// model calls it, <c>server__tool</c>) whose
    /// <c>error.type</c> is <c>tool_error</c> for a result the tool marked as an error, else the gRPC status code of a failed call.</summary>
    private async Task<(bool IsError, string Text)> CallToolAsync(Tool tool, ToolCallRecord toolCall, RunStepRequest request, CallOptions call)
    {
        using var span = AgentMeshTelemetry.StartExecuteTool(toolCall.Name, toolCall.Id, request.RunId, request.Step.Id);
        try
        {
            using var stream = toolHost.CallTool(
                new CallToolRequest { Server = tool.Server, Tool = tool.Name, ArgumentsJson = toolCall.ArgumentsJson }, call);
            await foreach (var message in stream.ResponseStream.ReadAllAsync(call.CancellationToken).ConfigureAwait(false))
            {
                if (message.Result is { } result)
                {
                    MeshMetrics.ToolCallRan(toolCall.Name, result.IsError ? "tool_error" : null);
                    if (result.IsError)
                    {
                        AgentMeshTelemetry.Fail(span, "tool_error");
                    }

                    return (result.IsError, result.Text);
                }
            }

            AgentMeshTelemetry.Fail(span, "no_result");
            return (true, "Error: the tool host ended the call without a result.");
        }
        catch (RpcException e)
        {
            AgentMeshTelemetry.Fail(span, e.StatusCode.ToString(), e.Status.Detail);
            MeshMetrics.ToolCallRan(toolCall.Name, e.StatusCode.ToString());
            if (e.StatusCode is StatusCode.InvalidArgument or StatusCode.NotFound or StatusCode.DeadlineExceeded or StatusCode.Unavailable)
            {
                // A tool failure is a result the model can read and correct; only protocol failures escape.
                return (true, $"Error ({e.StatusCode}): {e.Status.Detail}");
            }

            throw;
        }
        catch (Exception e)
        {
            AgentMeshTelemetry.Fail(span, e.GetType().FullName!);
            throw;
        }
    }

    private static Task EmitCompletedAsync(Func<RunStepEvent, Task> emit, RunStepRequest request, ToolCallRecord toolCall, bool isError, string text, long durationMs)
        => emit(new RunStepEvent
        {
            ToolCallCompleted = new ToolCallCompleted
            {
                StepId = request.Step.Id, ToolCallId = toolCall.Id, Server = toolCall.Server, Tool = toolCall.Tool,
                IsError = isError, Result = text.Length > 2000 ? text[..2000] + "…" : text, DurationMs = durationMs, ResultChars = text.Length,
            },
        });

    /// <summary>The answer to a call the model got wrong: it never ran, and the model is told why.</summary>
    private static TranscriptEntry ModelMistake(ToolCallRecord toolCall, string why)
        => new("tool", "Error: " + why, ToolCallId: toolCall.Id, IsError: true, ModelError: true);

    /// <summary><paramref name="emit"/> for callers running at once: a gRPC stream takes one write at a time.</summary>
    private static Func<RunStepEvent, Task> OneAtATime(Func<RunStepEvent, Task> emit)
    {
        var gate = new SemaphoreSlim(1, 1);
        return async e =>
        {
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                await emit(e).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        };
    }

    private static List<ToolCallRecord> UnansweredToolCalls(StepCheckpoint checkpoint)
    {
        var lastAssistant = checkpoint.Transcript.FindLastIndex(e => e.Kind == "assistant");
        if (lastAssistant < 0 || checkpoint.Transcript[lastAssistant].ToolCalls is not { Count: > 0 } calls)
        {
            return [];
        }

        var answered = checkpoint.Transcript.Skip(lastAssistant + 1).Select(e => e.ToolCallId).ToHashSet(StringComparer.Ordinal);
        return calls.Where(c => !answered.Contains(c.Id)).ToList();
    }

    private static RunStepEvent Result(StepCheckpoint checkpoint) => new()
    {
        Result = new StepResult
        {
            Output = checkpoint.FinalOutput ?? "",
            Usage = checkpoint.ToUsage(),
            OutputValue = checkpoint.Structured ? Google.Protobuf.WellKnownTypes.Value.Parser.ParseJson(checkpoint.FinalOutput) : null,
        },
    };

    /// <summary>A short id, stable for one tool call of one step of one run, so a re-run step asks for the same approval.</summary>
    public static string ApprovalId(string runId, string stepId, string toolCallId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{runId}\n{stepId}\n{toolCallId}"));
        return "apr_" + Convert.ToHexStringLower(hash)[..16];
    }

    private async Task<(StepCheckpoint Checkpoint, string Etag)> LoadCheckpointAsync(string key, CallOptions call)
    {
        var stored = await state.GetCheckpointAsync(new GetCheckpointRequest { Key = key }, call).ConfigureAwait(false);
        return stored.Found ? (StepCheckpoint.FromBytes(stored.Data.Span), stored.Etag) : (new StepCheckpoint(), "");
    }
}
