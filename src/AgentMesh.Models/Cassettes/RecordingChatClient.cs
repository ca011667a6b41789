using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace AgentMesh.Models;

/// <summary>
/// Wraps a real client and appends every tagged exchange (role, step, turn from <see cref="ModelCallTags"/>;
/// response text, tool calls, usage, model) to a cassette file, rewriting the file atomically (temp file +
/// rename) after each exchange, so a real run becomes a cassette for <see cref="CassetteChatClient"/>.
/// Variable values found in tool-call argument strings are written back as <c>${NAME}</c>. A streamed response is
/// recorded, assembled, once the caller has read the stream to its end. Calls without tags are passed through and not
/// recorded. An existing cassette file is appended to.
/// </summary>
public sealed class RecordingChatClient : DelegatingChatClient
{
    private readonly CassetteRecorder _recorder;

    /// <summary>Records the exchanges of <paramref name="innerClient"/> into <paramref name="cassettePath"/>.</summary>
    /// <param name="innerClient">The real client.</param>
    /// <param name="cassettePath">The cassette file to write (created with its folder when missing).</param>
    /// <param name="variables">Values to write back as <c>${NAME}</c> in argument strings; <c>null</c> means none.</param>
    /// <exception cref="InvalidDataException">The existing file is not a valid cassette.</exception>
    public RecordingChatClient(IChatClient innerClient, string cassettePath, IReadOnlyDictionary<string, string>? variables = null)
        : this(innerClient, new CassetteRecorder(cassettePath, variables))
    {
    }

    internal RecordingChatClient(IChatClient innerClient, CassetteRecorder recorder)
        : base(innerClient)
    {
        _recorder = recorder;
    }

    /// <summary>The cassette file being written.</summary>
    public string CassettePath => _recorder.Path;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        Record(options, response);
        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            updates.Add(update);
            yield return update;
        }

        Record(options, updates.ToChatResponse());
    }

    private void Record(ChatOptions? options, ChatResponse response)
    {
        if (ModelCallTags.Get(options) is { } tags)
        {
            _recorder.Append(tags.Role, tags.StepId, tags.Turn, response);
        }
    }
}
