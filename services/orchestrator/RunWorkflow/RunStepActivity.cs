using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using AgentMesh.Services.Orchestrator.Budgets;
using AgentMesh.Services.Orchestrator.Streaming;
using AgentMesh.Telemetry;
using Grpc.Core;
using Dapr.Workflow;

namespace AgentMesh.Services.Orchestrator.RunWorkflow;

/// <summary>
/// Runs one step on the Agents service (a gRPC stream), copying its progress into the run's
/// events. Ends with the step's output, the approvals it waits for, or a failure retrying cannot fix
/// (class logic, model or fatal: <see cref="StepOutcome.Failure"/>, a budget the run used up among them); any
/// other failure throws, so the activity policy retries the step (<see cref="TransientStepFailureException"/> for
/// class transient). The run's wall-time budget is the RunStep call's deadline.
/// </summary>
public sealed class RunStepActivity(Agents.AgentsClient agents, RunEventWriter events, RunDeltaHub deltas) : WorkflowActivity<StepInput, StepOutcome>
{
    public override async Task<StepOutcome> RunAsync(WorkflowActivityContext context, StepInput input)
    {
        var token = context.CancellationToken;
        var step = input.Step;
        using var span = AgentMeshTelemetry.StartRunActivity("RunStep", input.RunId, step.Id);
        // Progress events are appended while the step goes on; the outcome is returned only once they are durable. The
        // first write also brings the run record's usage up to what the run used before this step.
        var started = events.AppendWithUsageAsync(
            input.RunId, [new RunEvent { StepStarted = new StepStarted { StepId = step.Id, AgentRole = step.Role, Attempt = input.Attempt, Round = input.Round.Number, PlanVersion = input.PlanVersion } }], input.RunUsage.ToProto(), token);
        var runEvents = new RunEventBatcher(events, input.RunId, token, started);

        var deadline = input.Budget.Deadline(input.RunStartedAt);
        using var call = agents.RunStep(ToRequest(input), deadline: deadline, cancellationToken: token);
        try
        {
            await foreach (var message in call.ResponseStream.ReadAllAsync(token).ConfigureAwait(false))
            {
                switch (message.EventCase)
                {
                    case RunStepEvent.EventOneofCase.ModelDelta:
                        // Streamed text goes to the run's watchers that asked for it, never into the log.
                        deltas.Publish(input.RunId, message.ModelDelta);
                        break;
                    case RunStepEvent.EventOneofCase.AwaitingApproval:
                        await runEvents.FlushAsync().ConfigureAwait(false);
                        return new StepOutcome(null, UsageTotals.Zero, message.AwaitingApproval.Approvals.Select(PendingApproval.FromProto).ToList());
                    case RunStepEvent.EventOneofCase.Result:
                        var result = message.Result;
                        runEvents.Add(new RunEvent { StepCompleted = new StepCompleted { StepId = step.Id, Output = result.Output, Usage = result.Usage, OutputValue = result.OutputValue } });
                        await runEvents.FlushAsync().ConfigureAwait(false);
                        return new StepOutcome(result.Output, UsageTotals.FromProto(result.Usage), []) { Structured = result.OutputValue is not null };
                    default:
                        if (Progress(message) is { } progress)
                        {
                            // The final model turn (no tool calls) is followed by the result: both go in one append.
                            runEvents.Add(progress, holdForNext: message.ModelTurn is { ToolCallCount: 0 });
                        }

                        break;
                }
            }
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.Cancelled && !token.IsCancellationRequested
            && input.Budget.WallTimeOverrun(input.RunStartedAt, DateTime.UtcNow, step.Id) is { } late)
        {
            var failure = StepFailure.From(late);
            runEvents.Add(new RunEvent { StepFailed = new StepFailed { StepId = step.Id, Error = failure.Message, FailureClass = failure.FailureClass } });
            await runEvents.FlushAsync().ConfigureAwait(false);
            return new StepOutcome(null, UsageTotals.FromProto(StepFailureTrailers.ReadUsage(e.Trailers)), []) { Failure = failure };
        }
        catch (RpcException e) when (!token.IsCancellationRequested)
        {
            var failureClass = e.Trailers.GetValue(FailureClasses.Trailer) ?? "";
            runEvents.Add(new RunEvent { StepFailed = new StepFailed { StepId = step.Id, Error = e.Status.Detail, FailureClass = failureClass } });
            await runEvents.FlushAsync().ConfigureAwait(false);
            if (failureClass is FailureClasses.Logic or FailureClasses.Model or FailureClasses.Fatal)
            {
                // Running the step again would fail the same way: the outcome ends the run instead of a retry.
                var failure = StepFailureTrailers.ReadBudgetExceeded(e.Trailers) is { } budget
                    ? StepFailure.From(BudgetOverrun.FromProto(budget, step.Id))
                    : new StepFailure(step.Id, failureClass, e.Status.Detail);
                return new StepOutcome(null, UsageTotals.FromProto(StepFailureTrailers.ReadUsage(e.Trailers)), []) { Failure = failure };
            }

            var message = $"Step \"{step.Id}\" failed: {e.Status.Detail}";
            throw failureClass == FailureClasses.Transient ? new TransientStepFailureException(message, e) : new InvalidOperationException(message, e);
        }

        await runEvents.FlushAsync().ConfigureAwait(false);
        throw new InvalidOperationException($"The Agents service ended step \"{step.Id}\" without a result.");
    }

    /// <summary>The run event that records a step's progress message (a model turn or a tool call), or null.</summary>
    private static RunEvent? Progress(RunStepEvent message) => message.EventCase switch
    {
        RunStepEvent.EventOneofCase.ModelTurn => new RunEvent { ModelTurn = message.ModelTurn },
        RunStepEvent.EventOneofCase.ToolCallStarted => new RunEvent { ToolCallStarted = message.ToolCallStarted },
        RunStepEvent.EventOneofCase.ToolCallCompleted => new RunEvent { ToolCallCompleted = message.ToolCallCompleted },
        _ => null,
    };

    private static RunStepRequest ToRequest(StepInput input)
    {
        var request = new RunStepRequest
        {
            RunId = input.RunId,
            Goal = input.Goal,
            Step = new PlanStep { Id = input.Step.Id, AgentRole = input.Step.Role, Instruction = input.Step.Instruction, ModelTier = input.Step.Tier ?? "" },
        };
        request.Step.DependsOn.AddRange(input.Step.DependsOn);
        request.DependencyOutputs.AddRange(input.Dependencies.Select(d => new StepOutput
        {
            StepId = d.StepId, AgentRole = d.Role, Output = d.Output, OutputValue = d.Structured ? Google.Protobuf.WellKnownTypes.Value.Parser.ParseJson(d.Output) : null,
        }));
        request.Decisions.AddRange(input.Decisions.Select(d => d.ToProto()));
        request.Budget = input.Budget.ToProto();
        request.Round = input.Round.Number;
        request.PlanVersion = input.PlanVersion;
        request.RevisionFeedback = input.Round.Feedback ?? "";
        request.OutputSchemaJson = input.Round.OutputSchemaJson ?? "";
        request.RunUsage = input.RunUsage.ToProto();
        return request;
    }
}
