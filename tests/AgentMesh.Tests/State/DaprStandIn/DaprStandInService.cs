using System.Collections.Concurrent;
using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using StateConcurrency = Dapr.Client.Autogen.Grpc.v1.StateOptions.Types.StateConcurrency;

namespace AgentMesh.Tests.State.DaprStandIn;

/// <summary>
/// The state methods of <c>dapr.proto.runtime.v1.Dapr</c> as daprd answers them (dapr/dapr pkg/api/grpc),
/// over one <see cref="DaprStandInComponent"/> per configured store name. Part of <see cref="DaprStateStandIn"/>.
/// </summary>
internal sealed class DaprStandInService
{
    private readonly DaprStateStandInOptions _options;
    private readonly IReadOnlyDictionary<string, DaprStandInComponent> _stores;
    private readonly ConcurrentDictionary<string, int> _calls;

    public DaprStandInService(DaprStateStandInOptions options, IReadOnlyDictionary<string, DaprStandInComponent> stores, ConcurrentDictionary<string, int> calls)
    {
        _options = options;
        _stores = stores;
        _calls = calls;
    }

    public Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        var store = Enter(nameof(GetState), request.StoreName, context);
        CheckKey(request.Key);
        var response = new GetStateResponse();
        if (store.Get(request.Key) is { } entry)
        {
            response.Data = ByteString.CopyFrom(entry.Data);
            response.Etag = entry.ETag;
            AddExpiry(response.Metadata, entry);
        }

        return Task.FromResult(response);
    }

    public Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request, ServerCallContext context)
    {
        var store = Enter(nameof(GetBulkState), request.StoreName, context);
        var response = new GetBulkStateResponse();
        foreach (var key in request.Keys)
        {
            CheckKey(key);
            var item = new BulkStateItem { Key = key };
            if (store.Get(key) is { } entry)
            {
                item.Data = ByteString.CopyFrom(entry.Data);
                item.Etag = entry.ETag;
                AddExpiry(item.Metadata, entry);
            }

            response.Items.Add(item);
        }

        return Task.FromResult(response);
    }

    /// <summary>Like daprd's bulk save: each item on its own (not a transaction).</summary>
    public Task<Empty> SaveState(SaveStateRequest request, ServerCallContext context)
    {
        var store = Enter(nameof(SaveState), request.StoreName, context);
        foreach (var item in request.States)
        {
            if (item.Key.Length == 0)
            {
                throw DaprStandInErrors.EmptyKey();
            }

            CheckKey(item.Key);
        }

        foreach (var item in request.States)
        {
            try
            {
                store.Apply([ToWrite(item, isDelete: false)]);
            }
            catch (Exception e) when (e is DaprStandInETagException or FormatException)
            {
                throw DaprStandInErrors.Save(request.StoreName, e);
            }
        }

        return Task.FromResult(new Empty());
    }

    public Task<Empty> DeleteState(DeleteStateRequest request, ServerCallContext context)
    {
        var store = Enter(nameof(DeleteState), request.StoreName, context);
        CheckKey(request.Key);
        var write = new DaprStandInWrite(request.Key, true, [], request.Etag?.Value, request.Options?.Concurrency == StateConcurrency.ConcurrencyFirstWrite, request.Metadata);
        try
        {
            store.Apply([write]);
        }
        catch (DaprStandInETagException e)
        {
            throw DaprStandInErrors.Delete(request.Key, e);
        }

        return Task.FromResult(new Empty());
    }

    public Task<Empty> DeleteBulkState(DeleteBulkStateRequest request, ServerCallContext context)
    {
        var store = Enter(nameof(DeleteBulkState), request.StoreName, context);
        foreach (var item in request.States)
        {
            CheckKey(item.Key);
            try
            {
                store.Apply([ToWrite(item, isDelete: true)]);
            }
            catch (DaprStandInETagException e)
            {
                throw DaprStandInErrors.Delete(item.Key, e);
            }
        }

        return Task.FromResult(new Empty());
    }

    /// <summary>All operations or none; any failure is Internal, as daprd answers a failed <c>Multi</c>.</summary>
    public Task<Empty> ExecuteStateTransaction(ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        var store = Enter(nameof(ExecuteStateTransaction), request.StoreName, context);
        var writes = new List<DaprStandInWrite>(request.Operations.Count);
        foreach (var operation in request.Operations)
        {
            CheckKey(operation.Request.Key);
            writes.Add(operation.OperationType switch
            {
                "upsert" => ToWrite(operation.Request, isDelete: false, _options.TransactionsIgnoreFirstWrite),
                "delete" => ToWrite(operation.Request, isDelete: true, _options.TransactionsIgnoreFirstWrite),
                _ => throw DaprStandInErrors.UnsupportedOperation(operation.OperationType),
            });
        }

        try
        {
            store.Apply(writes);
        }
        catch (Exception e) when (e is DaprStandInETagException or FormatException)
        {
            throw DaprStandInErrors.Transaction(e);
        }

        return Task.FromResult(new Empty());
    }

    private DaprStandInComponent Enter(string method, string storeName, ServerCallContext context)
    {
        _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (_options.ApiToken is { } token)
        {
            var sent = context.RequestHeaders.GetValue("dapr-api-token");
            if (sent is null)
            {
                throw DaprStandInErrors.Unauthenticated("missing api token in request metadata");
            }

            if (sent != token)
            {
                throw DaprStandInErrors.Unauthenticated("authentication error: api token mismatch");
            }
        }

        return _stores.TryGetValue(storeName, out var store) ? store : throw DaprStandInErrors.StoreNotFound(storeName);
    }

    private static void CheckKey(string key)
    {
        if (key.Contains("||", StringComparison.Ordinal))
        {
            throw DaprStandInErrors.IllegalKey(key);
        }
    }

    private static DaprStandInWrite ToWrite(Dapr.Client.Autogen.Grpc.v1.StateItem item, bool isDelete, bool ignoreFirstWrite = false) =>
        new(item.Key, isDelete, item.Value.ToByteArray(), item.Etag?.Value, !ignoreFirstWrite && item.Options?.Concurrency == StateConcurrency.ConcurrencyFirstWrite, item.Metadata);

    /// <summary>daprd ≥ 1.12 returns the expiry of a TTL'd item as metadata <c>ttlExpireTime</c> (RFC 3339, UTC).</summary>
    private static void AddExpiry(Google.Protobuf.Collections.MapField<string, string> metadata, DaprStandInComponent.Entry entry)
    {
        if (entry.ExpiresAt is { } at)
        {
            metadata["ttlExpireTime"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
