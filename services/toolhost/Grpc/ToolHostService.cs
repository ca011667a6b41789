using System.Text.Json;
using System.Threading.Channels;
using AgentMesh.Contracts.V1;
using Grpc.Core;
using AgentMesh.Services.ToolHost.Catalog;
using Microsoft.Extensions.Logging;
using ToolHostContract = AgentMesh.Contracts.V1.ToolHost;

namespace AgentMesh.Services.ToolHost.Grpc;

/// <summary>
/// The agentmesh.v1.ToolHost gRPC service over an <see cref="McpToolCatalog"/>. Statuses:
/// NOT_FOUND unknown server/tool; DEADLINE_EXCEEDED the tool's timeout; UNAVAILABLE a server that
/// cannot be reached; INVALID_ARGUMENT empty names, arguments_json not a JSON object, a
/// non-positive timeout. Tool errors are results with is_error = true, not statuses.
/// </summary>
public sealed class ToolHostService(McpToolCatalog catalog, ILogger<ToolHostService> logger) : ToolHostContract.ToolHostBase
{
    /// <summary>Unary: the tools of one server (request.server) or all servers (empty).</summary>
    public override async Task<ListToolsResponse> ListTools(ListToolsRequest request, ServerCallContext context)
    {
        try
        {
            var tools = await catalog.ListToolsAsync(request.Server, context.CancellationToken).ConfigureAwait(false);
            var response = new ListToolsResponse();
            response.Tools.AddRange(tools.Select(ToolContractMapper.ToContract));
            return response;
        }
        catch (Exception e) when (ToolHostErrors.ToRpcException(e) is { } rpc)
        {
            throw rpc;
        }
    }

    /// <summary>Server streaming: progress messages as the server sends them, then exactly one result.</summary>
    public override async Task CallTool(CallToolRequest request, IServerStreamWriter<CallToolResponse> responseStream, ServerCallContext context)
    {
        var arguments = ParseArguments(request.ArgumentsJson);
        var timeout = request.Timeout?.ToTimeSpan();
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"timeout must be positive, got {t.TotalSeconds} s; leave it unset for the configured default"));
        }

        if (request.Server.Length == 0 || request.Tool.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "server and tool must both be set (see ListTools)"));
        }

        var progress = Channel.CreateUnbounded<ToolProgressInfo>(new UnboundedChannelOptions { SingleReader = true });
        var pump = PumpProgressAsync(progress.Reader, responseStream, context.CancellationToken);
        ToolCallOutcome outcome;
        try
        {
            outcome = await catalog.CallToolAsync(
                request.Server,
                request.Tool,
                arguments,
                timeout,
                new Progress(progress.Writer),
                context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            ToolHostLog.CallCancelled(logger, context.Method);
            throw;
        }
        catch (Exception e) when (ToolHostErrors.ToRpcException(e) is { } rpc)
        {
            throw rpc;
        }
        finally
        {
            progress.Writer.TryComplete();
            await pump.ConfigureAwait(false);
        }

        await responseStream.WriteAsync(ToolContractMapper.ToContract(outcome), context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Unary: whether one call with these arguments waits for an approval (approval rules on arguments), and why.</summary>
    public override async Task<CheckToolCallResponse> CheckToolCall(CheckToolCallRequest request, ServerCallContext context)
    {
        var arguments = ParseArguments(request.ArgumentsJson);
        if (request.Server.Length == 0 || request.Tool.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "server and tool must both be set (see ListTools)"));
        }

        try
        {
            var verdict = await catalog.CheckToolCallAsync(request.Server, request.Tool, arguments, context.CancellationToken).ConfigureAwait(false);
            return ToolContractMapper.ToContract(verdict);
        }
        catch (Exception e) when (ToolHostErrors.ToRpcException(e) is { } rpc)
        {
            throw rpc;
        }
    }

    private static JsonElement ParseArguments(string argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return default;
        }

        JsonElement parsed;
        try
        {
            using var document = JsonDocument.Parse(argumentsJson);
            parsed = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"arguments_json is not valid JSON ({e.Message}); send a JSON object such as {{\"path\":\"/tmp/a.txt\"}}"));
        }

        return parsed.ValueKind == JsonValueKind.Object
            ? parsed
            : throw new RpcException(new Status(StatusCode.InvalidArgument, $"arguments_json must be a JSON object, got {parsed.ValueKind}; send {{}} for no arguments"));
    }

    private static async Task PumpProgressAsync(ChannelReader<ToolProgressInfo> reader, IServerStreamWriter<CallToolResponse> stream, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await stream.WriteAsync(ToolContractMapper.ToContract(item), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The call is over; the handler reports the cancellation.
        }
    }

    /// <summary>Queues progress so stream writes never overlap.</summary>
    private sealed class Progress(ChannelWriter<ToolProgressInfo> writer) : IProgress<ToolProgressInfo>
    {
        public void Report(ToolProgressInfo value) => writer.TryWrite(value);
    }
}
