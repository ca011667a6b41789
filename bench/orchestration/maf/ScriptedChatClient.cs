using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace AgentMesh.Bench.Maf;

/// <summary>
/// The scripted model of WORKLOAD.md, answering at once: while the conversation holds fewer than three
/// tool results it asks for <c>read_text_file</c> on the notes (turns 1–3), then it answers ANSWER
/// (turn 4). It keeps no state, so one instance serves every agent and every run.
/// </summary>
internal sealed class ScriptedChatClient(Workload workload) : IChatClient
{
    private const int ToolTurns = 3;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        int toolResults = messages.Sum(m => m.Contents.Count(c => c is FunctionResultContent));
        ChatMessage reply = toolResults < ToolTurns
            ? new ChatMessage(ChatRole.Assistant,
                [new FunctionCallContent($"call-{toolResults + 1}", "read_text_file",
                    new Dictionary<string, object?> { ["path"] = workload.NotesPath })])
            : new ChatMessage(ChatRole.Assistant, workload.Answer);
        return Task.FromResult(new ChatResponse(reply) { FinishReason = toolResults < ToolTurns ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (ChatResponseUpdate update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }
}
