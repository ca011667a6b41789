using AgentMesh.Grpc.Interceptors;
using AgentMesh.Grpc.Server;
using Microsoft.Extensions.Options;

namespace AgentMesh.Grpc.Internal.Server;

/// <summary>The interceptors of <see cref="GrpcServerOptions.Interceptors"/>, resolved once for every service mapped.</summary>
internal sealed class ResolvedServerInterceptors(IOptions<GrpcServerOptions> options, IServiceProvider services)
{
    private readonly Lazy<ServerInterceptor[]> _all = new(() => options.Value.Interceptors.Resolve(services));

    public IReadOnlyList<ServerInterceptor> All => _all.Value;
}
