using AgentMesh.Clients;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.State;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using StateContract = AgentMesh.Contracts.V1.State;

namespace AgentMesh.Services.State;

/// <summary>
/// agentmesh.v1.State over an <see cref="IStateStore"/>: run records under <c>runs/&lt;id&gt;</c>,
/// checkpoints under <c>checkpoints/&lt;key&gt;</c>, run events in a <see cref="RunEventLog"/>.
/// </summary>
public sealed class StateService(IStateStore store, RunEventLog events) : StateContract.StateBase
{
    private const string RunPrefix = "runs/";
    private const string CheckpointPrefix = "checkpoints/";

    public override async Task<SaveRunResponse> SaveRun(SaveRunRequest request, ServerCallContext context)
    {
        var runId = RequireId(request.Run?.RunId, "run.run_id");
        var write = StateOperation.Upsert(RunPrefix + runId, request.Run!.ToByteArray(), WriteOptions(request.Etag, request.CreateOnly));
        try
        {
            var (_, etag) = await events.AppendWithWriteAsync(runId, Stamp(runId, request.Events), write, context.CancellationToken).ConfigureAwait(false);
            return new SaveRunResponse { Etag = etag };
        }
        catch (StateConcurrencyException e)
        {
            throw new RpcException(new Status(request.CreateOnly ? StatusCode.AlreadyExists : StatusCode.Aborted, e.Message));
        }
    }

    public override async Task<RunRecord> GetRun(GetRunRecordRequest request, ServerCallContext context)
    {
        var runId = RequireRunId(request.RunId);
        var item = await store.GetAsync(RunPrefix + runId, context.CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Run \"{runId}\" does not exist."));
        return new RunRecord { Run = Run.Parser.ParseFrom(item.Value.Span), Etag = item.ETag };
    }

    public override async Task<ListRunRecordsResponse> ListRuns(ListRunRecordsRequest request, ServerCallContext context)
    {
        var pageSize = request.PageSize is > 0 and <= 500 ? request.PageSize : 50;
        var offset = 0;
        if (request.PageToken.Length > 0 && !int.TryParse(request.PageToken, out offset))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"page_token \"{request.PageToken}\" is not a token returned by ListRuns."));
        }

        var statuses = request.Statuses.ToHashSet();
        var runs = new List<RunRecord>();
        string? continuation = null;
        do
        {
            var page = await store.ListKeysAsync(RunPrefix, continuation, 500, context.CancellationToken).ConfigureAwait(false);
            foreach (var item in await store.GetBulkAsync(page.Keys, context.CancellationToken).ConfigureAwait(false))
            {
                var run = Run.Parser.ParseFrom(item.Value.Span);
                if ((statuses.Count == 0 || statuses.Contains(run.Status)) && HasLabels(run, request.Labels))
                {
                    runs.Add(new RunRecord { Run = run, Etag = item.ETag });
                }
            }

            continuation = page.ContinuationToken;
        }
        while (continuation is not null);

        var ordered = runs.OrderByDescending(r => r.Run.CreatedAt?.ToDateTimeOffset()).ThenBy(r => r.Run.RunId, StringComparer.Ordinal).ToList();
        var response = new ListRunRecordsResponse();
        response.Runs.AddRange(ordered.Skip(offset).Take(pageSize));
        if (offset + pageSize < ordered.Count)
        {
            response.NextPageToken = (offset + pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response;
    }

    /// <summary>Whether <paramref name="run"/> carries every label of <paramref name="wanted"/> with the same value.</summary>
    private static bool HasLabels(Run run, IDictionary<string, string> wanted)
        => wanted.All(l => run.Labels.TryGetValue(l.Key, out var value) && value == l.Value);

    public override async Task<AppendRunEventsResponse> AppendRunEvents(AppendRunEventsRequest request, ServerCallContext context)
    {
        var runId = RequireRunId(request.RunId);
        if (request.Events.Count == 0)
        {
            return new AppendRunEventsResponse { LastSequence = await events.GetLastSequenceAsync(runId, context.CancellationToken).ConfigureAwait(false) };
        }

        var last = await events.AppendAsync(runId, Stamp(runId, request.Events), context.CancellationToken).ConfigureAwait(false);
        return new AppendRunEventsResponse { LastSequence = last };
    }

    public override async Task ReadRunEvents(ReadRunEventsRequest request, IServerStreamWriter<RunEvent> responseStream, ServerCallContext context)
    {
        var runId = RequireRunId(request.RunId);
        var token = context.CancellationToken;
        var after = Math.Max(0, request.AfterSequence);
        var lastRead = false;
        while (true)
        {
            var batch = await events.ReadAsync(runId, after, 256, token).ConfigureAwait(false);
            foreach (var (sequence, data) in batch)
            {
                var runEvent = RunEvent.Parser.ParseFrom(data.Span);
                runEvent.Sequence = sequence;
                await responseStream.WriteAsync(runEvent, token).ConfigureAwait(false);
                after = sequence;
                if (request.Follow && RunStatuses.IsTerminal(runEvent))
                {
                    return;
                }
            }

            if (batch.Count > 0)
            {
                continue;
            }

            if (!request.Follow || lastRead)
            {
                return;
            }

            // A terminal record is written together with its terminal event, which may have been committed
            // after the read above: read once more, then nothing more will come.
            if (await IsTerminalAsync(runId, token).ConfigureAwait(false))
            {
                lastRead = true;
                continue;
            }

            await events.WaitForAppendAsync(runId, after, token).ConfigureAwait(false);
        }
    }

    public override async Task<SaveCheckpointResponse> SaveCheckpoint(SaveCheckpointRequest request, ServerCallContext context)
    {
        var key = RequireId(request.Key, "key");
        var etag = await WriteAsync(CheckpointPrefix + key, request.Data.ToByteArray(), request.Etag, createOnly: false, context).ConfigureAwait(false);
        return new SaveCheckpointResponse { Etag = etag };
    }

    public override async Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context)
    {
        var key = RequireId(request.Key, "key");
        var item = await store.GetAsync(CheckpointPrefix + key, context.CancellationToken).ConfigureAwait(false);
        return item is null
            ? new GetCheckpointResponse { Found = false }
            : new GetCheckpointResponse { Found = true, Data = ByteString.CopyFrom(item.Value.Span), Etag = item.ETag };
    }

    private async Task<string> WriteAsync(string key, byte[] value, string etag, bool createOnly, ServerCallContext context)
    {
        try
        {
            return await store.SetAsync(key, value, WriteOptions(etag, createOnly), context.CancellationToken).ConfigureAwait(false);
        }
        catch (StateConcurrencyException e)
        {
            throw new RpcException(new Status(createOnly ? StatusCode.AlreadyExists : StatusCode.Aborted, e.Message));
        }
    }

    private async Task<bool> IsTerminalAsync(string runId, CancellationToken cancellationToken)
    {
        var item = await store.GetAsync(RunPrefix + runId, cancellationToken).ConfigureAwait(false);
        return item is not null && RunStatuses.IsTerminal(Run.Parser.ParseFrom(item.Value.Span).Status);
    }

    private static StateWriteOptions WriteOptions(string etag, bool createOnly)
        => new() { ETag = etag.Length > 0 ? etag : null, CreateOnly = createOnly };

    /// <summary>The events as stored: this run's id, and the time of the write unless the caller set one.</summary>
    private static List<ReadOnlyMemory<byte>> Stamp(string runId, IEnumerable<RunEvent> runEvents)
    {
        var now = Timestamp.FromDateTime(DateTime.UtcNow);
        return runEvents.Select(e =>
        {
            var copy = e.Clone();
            copy.RunId = runId;
            copy.Time ??= now;
            return (ReadOnlyMemory<byte>)copy.ToByteArray();
        }).ToList();
    }

    /// <summary>A run id the event log can key: present, without '/' (INVALID_ARGUMENT otherwise).</summary>
    private static string RequireRunId(string? value)
        => RequireId(value, "run_id").Contains('/')
            ? throw new RpcException(new Status(StatusCode.InvalidArgument, $"run_id '{value}' must not contain '/'."))
            : value!;

    private static string RequireId(string? value, string field)
        => string.IsNullOrEmpty(value) ? throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field} is required.")) : value;
}
