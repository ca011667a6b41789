using Dapr.Workflow;

namespace AgentMesh.Chaos.Workflows;

/// <summary>
/// Runs a <see cref="ChaosChainWorkflow"/> as a child instance (id <c>{instance}-child</c>), then a step
/// on the child's final value. Returns <c>parent:{child output}:{value}</c>.
/// </summary>
public sealed class ChaosParentWorkflow : Workflow<ParentInput, string>
{
    /// <summary>The child's instance id.</summary>
    public static string ChildId(string parentId) => parentId + "-child";

    /// <inheritdoc />
    public override async Task<string> RunAsync(WorkflowContext context, ParentInput input)
    {
        var child = await context.CallChildWorkflowAsync<string>(nameof(ChaosChainWorkflow), input.Child, new ChildWorkflowTaskOptions(ChildId(context.InstanceId)));
        var operand = long.Parse(child.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var step = await context.CallActivityAsync<StepOutput>(nameof(ChaosStep), new StepInput("parent", operand, input.WorkMilliseconds));
        return $"parent:{child}:{step.Value}";
    }
}
