using AgentMesh.Grpc.Health.V1;
using ServingStatus = AgentMesh.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace AgentMesh.Grpc.Health;

/// <summary>The handlers of <c>grpc.health.v1.Health</c> over <see cref="ServerHealth"/>.</summary>
internal sealed class HealthService(ServerHealth health)
{
    public static Google.Protobuf.Reflection.ServiceDescriptor Descriptor => HealthReflection.Descriptor.Services[0];

    public Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        var status = health.GetStatus(request.Service)
            ?? throw new RpcException(StatusCode.NotFound, $"The server has no health status for service '{request.Service}'.");
        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    /// <summary>Sends the current status, then each change; ends (OK) after NOT_SERVING once the host is stopping.</summary>
    public async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ServingStatus? sent = null;
        while (true)
        {
            var changed = health.Changed;
            var stopping = health.IsStopping;
            var status = health.GetStatus(request.Service) ?? ServingStatus.ServiceUnknown;
            if (status != sent)
            {
                await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                sent = status;
            }

            if (stopping)
            {
                return;
            }

            await changed.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        }
    }
}
