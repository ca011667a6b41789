using Dapr.DurableTask.Protobuf;
using Grpc.Core;

namespace AgentMesh.Chaos.Driver;

/// <summary>
/// The driver's calls to the hub (the raw TaskHubSidecarService client of the Dapr.Workflow package),
/// retried while the host is down or dies under them, for at most <c>giveUpAfter</c> per call. A retried start
/// first asks whether the lost attempt created the instance; a retried event may arrive twice (the
/// chaos workflows await each event name once, so a second copy stays unread).
/// </summary>
internal sealed class HubCalls(TaskHubSidecarService.TaskHubSidecarServiceClient client, TimeSpan giveUpAfter)
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private int _retries;
    private int _refusedEvents;

    /// <summary>Calls that failed because the host was down or died, and were made again.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>The failures behind <see cref="Retries"/>, by status code and the first words of their detail.</summary>
    public IReadOnlyDictionary<string, int> Failures => _failures;

    /// <summary>Events refused because their instance had finished (a retried event whose first copy had been delivered).</summary>
    public int RefusedEvents => Volatile.Read(ref _refusedEvents);

    /// <summary>Starts an instance exactly once.</summary>
    public async Task StartAsync(string instanceId, string name, string inputJson, CancellationToken cancellationToken)
    {
        var request = new CreateInstanceRequest { InstanceId = instanceId, Name = name, Input = inputJson };
        var giveUp = DateTime.UtcNow + giveUpAfter;
        while (true)
        {
            try
            {
                await client.StartInstanceAsync(request, deadline: DateTime.UtcNow + CallDeadline, cancellationToken: cancellationToken);
                return;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
            {
                return; // an earlier attempt got through
            }
            catch (RpcException e) when (IsOutage(e) && DateTime.UtcNow < giveUp)
            {
                await BackOffAsync(e, cancellationToken);
                if (await GetAsync(instanceId, withPayloads: false, cancellationToken) is not null)
                    return;
            }
        }
    }

    /// <summary>Waits until the hub answers Hello (the channel is connected to the current host).</summary>
    public Task HelloAsync(CancellationToken cancellationToken) =>
        RetryAsync(async deadline => await client.HelloAsync(new Google.Protobuf.WellKnownTypes.Empty(), deadline: deadline, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>Raises an event; false when the instance had finished (FAILED_PRECONDITION).</summary>
    public Task<bool> RaiseAsync(string instanceId, string name, string payloadJson, CancellationToken cancellationToken) =>
        RetryAsync(async deadline =>
        {
            try
            {
                await client.RaiseEventAsync(new RaiseEventRequest { InstanceId = instanceId, Name = name, Input = payloadJson }, deadline: deadline, cancellationToken: cancellationToken);
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.FailedPrecondition)
            {
                Interlocked.Increment(ref _refusedEvents);
                return false;
            }
        }, cancellationToken);

    /// <summary>The instance's state, or null when the hub does not know it.</summary>
    public Task<WorkflowState?> GetAsync(string instanceId, bool withPayloads, CancellationToken cancellationToken) =>
        RetryAsync(async deadline =>
        {
            var reply = await client.GetInstanceAsync(new GetInstanceRequest { InstanceId = instanceId, GetInputsAndOutputs = withPayloads }, deadline: deadline, cancellationToken: cancellationToken);
            return reply.Exists ? reply.WorkflowState : null;
        }, cancellationToken);

    /// <summary>The instance's history.</summary>
    public Task<IReadOnlyList<HistoryEvent>> HistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        RetryAsync(async deadline =>
            (IReadOnlyList<HistoryEvent>)(await client.GetInstanceHistoryAsync(new GetInstanceHistoryRequest { InstanceId = instanceId }, deadline: deadline, cancellationToken: cancellationToken)).Events.ToList(),
            cancellationToken);

    /// <summary>Every instance id the hub holds (ListInstanceIDs, page by page).</summary>
    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        string? next = null;
        do
        {
            var request = new ListInstanceIDsRequest { PageSize = 500 };
            if (next is not null)
                request.ContinuationToken = next;
            var page = await RetryAsync(async deadline => await client.ListInstanceIDsAsync(request, deadline: deadline, cancellationToken: cancellationToken), cancellationToken);
            ids.AddRange(page.InstanceIds);
            next = page.HasContinuationToken ? page.ContinuationToken : null;
        }
        while (next is not null);
        return ids;
    }

    private async Task<T> RetryAsync<T>(Func<DateTime, Task<T>> call, CancellationToken cancellationToken)
    {
        var giveUp = DateTime.UtcNow + giveUpAfter;
        while (true)
        {
            try
            {
                return await call(DateTime.UtcNow + CallDeadline);
            }
            catch (RpcException e) when (IsOutage(e) && DateTime.UtcNow < giveUp)
            {
                await BackOffAsync(e, cancellationToken);
            }
        }
    }

    private async Task BackOffAsync(RpcException failure, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _retries);
        var detail = failure.Status.Detail;
        _failures.AddOrUpdate($"{failure.StatusCode}: {detail[..Math.Min(detail.Length, 60)]}", 1, (_, n) => n + 1);
        await Task.Delay(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(150)), cancellationToken);
    }

    /// <summary>What a call sees when the host is down or is killed under it (not an answer of the hub).</summary>
    private static bool IsOutage(RpcException e) =>
        e.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled or StatusCode.DeadlineExceeded;
}
