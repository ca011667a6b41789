using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace AgentMesh.State;

/// <summary>
/// The Dapr state API calls of <see cref="DaprStateStore"/>, through <see cref="DaprClient"/>: reads that parse
/// AgentMesh's JSON documents, and conditional writes that report an ETag mismatch as <c>false</c>.
/// </summary>
internal sealed class DaprStateGateway
{
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };
    private readonly DaprClient _client;
    private readonly string _storeName;

    public DaprStateGateway(DaprClient client, string storeName)
    {
        _client = client;
        _storeName = storeName;
    }

    /// <summary>The Dapr state store component name.</summary>
    public string StoreName => _storeName;

    /// <summary>Reads one document (GetState).</summary>
    public async Task<DaprRecord<T>> ReadAsync<T>(string key, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var (data, etag) = await _client.GetByteStateAndETagAsync(_storeName, key, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new DaprRecord<T>(Parse(key, data.Span, type), etag ?? string.Empty);
    }

    /// <summary>Reads several documents (GetBulkState; not transactional). Every requested key is in the answer.</summary>
    public async Task<Dictionary<string, DaprRecord<T>>> ReadManyAsync<T>(IReadOnlyCollection<string> keys, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var result = new Dictionary<string, DaprRecord<T>>(keys.Count, StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return result;
        }

        // The non-generic bulk get hands values back as UTF-8 text, which is what AgentMesh's JSON documents are.
        var items = await _client.GetBulkStateAsync(_storeName, keys.ToList(), parallelism: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var item in items)
        {
            result[item.Key] = new DaprRecord<T>(Parse(item.Key, Encoding.UTF8.GetBytes(item.Value ?? string.Empty), type), item.ETag ?? string.Empty);
        }

        foreach (var key in keys)
        {
            result.TryAdd(key, new DaprRecord<T>(null, string.Empty));
        }

        return result;
    }

    /// <summary>Which of <paramref name="keys"/> Dapr holds an item under (GetBulkState), without parsing them.</summary>
    public async Task<List<string>> WhichExistAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var items = await _client.GetBulkStateAsync(_storeName, keys.ToList(), parallelism: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        return items.Where(item => !string.IsNullOrEmpty(item.Value)).Select(item => item.Key).ToList();
    }

    /// <summary>
    /// Applies <paramref name="writes"/> all-or-nothing: one SaveState / DeleteState for a single write, else one
    /// ExecuteStateTransaction. Returns <c>false</c> when Dapr reports an ETag mismatch (nothing was written).
    /// </summary>
    /// <exception cref="DaprException">Any other failure of the sidecar or the state component.</exception>
    public async Task<bool> TryWriteAsync(IReadOnlyList<DaprWrite> writes, CancellationToken cancellationToken)
    {
        if (writes.Count == 0)
        {
            return true;
        }

        try
        {
            if (writes.Count > 1)
            {
                var operations = writes.Select(ToTransactionRequest).ToList();
                await _client.ExecuteStateTransactionAsync(_storeName, operations, cancellationToken: cancellationToken).ConfigureAwait(false);
                return true;
            }

            var write = writes[0];
            if (write.IsDelete)
            {
                return await _client.TryDeleteStateAsync(_storeName, write.Key, write.ETag!, FirstWrite, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            if (write.ETag is { } etag)
            {
                return await _client.TrySaveByteStateAsync(_storeName, write.Key, write.Value, etag, FirstWrite, Metadata(write), cancellationToken).ConfigureAwait(false);
            }

            await _client.SaveByteStateAsync(_storeName, write.Key, write.Value, FirstWrite, Metadata(write), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DaprException e) when (DaprETagMismatch.Is(e))
        {
            return false;
        }
    }

    private static StateTransactionRequest ToTransactionRequest(DaprWrite write) => write.IsDelete
        ? new StateTransactionRequest(write.Key, null, StateOperationType.Delete, write.ETag, options: FirstWrite)
        : new StateTransactionRequest(write.Key, write.Value, StateOperationType.Upsert, write.ETag, Metadata(write), FirstWrite);

    private static Dictionary<string, string> Metadata(DaprWrite write) =>
        new(StringComparer.Ordinal) { ["ttlInSeconds"] = write.TtlInSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private T? Parse<T>(string key, ReadOnlySpan<byte> data, JsonTypeInfo<T> type)
        where T : class
    {
        if (data.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(data, type)
                ?? throw new InvalidDataException($"Dapr state key '{key}' in store '{_storeName}' holds JSON null, not an AgentMesh document.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Dapr state key '{key}' in store '{_storeName}' was not written by AgentMesh (not a {type.Type.Name} document).", e);
        }
    }
}

/// <summary>Recognises daprd's answer to a failed ETag or first-write check.</summary>
internal static class DaprETagMismatch
{
    /// <summary>The text components-contrib's <c>state.ETagError</c> (kind mismatch) puts in front of the component's error.</summary>
    public const string MessageText = "possible etag mismatch";

    /// <summary>
    /// True when <paramref name="exception"/> carries daprd's ETag mismatch: gRPC Aborted from SaveState and
    /// DeleteState (dapr/dapr pkg/api/grpc: <c>getStateErrorCode</c> maps <c>state.ETagMismatch</c> to Aborted), or
    /// gRPC Internal whose message contains <see cref="MessageText"/> from ExecuteStateTransaction (which answers
    /// every component error with Internal, <c>"error while executing state transaction: …"</c>).
    /// </summary>
    public static bool Is(DaprException exception) =>
        exception.InnerException is RpcException rpc
        && (rpc.StatusCode == StatusCode.Aborted
            || (rpc.StatusCode == StatusCode.Internal && rpc.Status.Detail.Contains(MessageText, StringComparison.OrdinalIgnoreCase)));
}
