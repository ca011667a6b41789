using System.Text;
using AgentMesh.Contracts.V1;

namespace AgentMesh.Services.Agents.Loop;

/// <summary>The first user message of a step: the run's goal, the step's instruction, and the outputs of the steps it depends on (a structured output as its JSON, said to be so).</summary>
public static class StepPrompt
{
    public static string Build(RunStepRequest request)
    {
        var text = new StringBuilder();
        text.Append("Goal of the run: ").AppendLine(request.Goal).AppendLine();
        text.Append("Your step (").Append(request.Step.Id).Append("): ").AppendLine(request.Step.Instruction);
        foreach (var dependency in request.DependencyOutputs)
        {
            text.AppendLine().Append("Output of step ").Append(dependency.StepId).Append(" (").Append(dependency.AgentRole)
                .AppendLine(dependency.OutputValue is null ? "):" : ", JSON that fits its output schema):")
                .AppendLine(dependency.Output);
        }

        return text.ToString();
    }
}
