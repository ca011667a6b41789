using System.Diagnostics;
using System.Runtime.CompilerServices;
using AgentMesh.Telemetry;
using Microsoft.Extensions.AI;

namespace AgentMesh.Models;

/// <summary>
/// Sits right inside Microsoft.Extensions.AI's OpenTelemetryChatClient and copies <c>agentmesh.run.id</c> and
/// <c>agentmesh.step.id</c> from the nearest enclosing span that has them (the step's <c>invoke_agent</c> span) onto
/// the model call's <c>chat</c> span, so a model call can be found by run and step.
/// </summary>
internal sealed class RunTagsChatClient(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        TagCurrentChatSpan();
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TagCurrentChatSpan();
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private static void TagCurrentChatSpan()
    {
        var chat = Activity.Current;
        if (chat is null || chat.Source.Name != AgentMeshTelemetry.Name || !chat.IsAllDataRequested
            || chat.GetTagItem(GenAiAttributes.OperationName) as string != GenAiAttributes.Operations.Chat)
        {
            return;
        }

        for (var scope = chat.Parent; scope is not null; scope = scope.Parent)
        {
            if (scope.GetTagItem(GenAiAttributes.RunId) is string runId)
            {
                chat.SetTag(GenAiAttributes.RunId, runId);
                if (scope.GetTagItem(GenAiAttributes.StepId) is string stepId)
                {
                    chat.SetTag(GenAiAttributes.StepId, stepId);
                }

                return;
            }
        }
    }
}
