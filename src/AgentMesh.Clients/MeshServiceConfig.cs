using AgentMesh.Contracts.V1;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client.Configuration;

namespace AgentMesh.Clients;

/// <summary>
/// The gRPC service config the mesh's clients use: every agentmesh.v1 method whose proto declares
/// <c>idempotency_level = IDEMPOTENT</c> or <c>NO_SIDE_EFFECTS</c> is retried on UNAVAILABLE with
/// exponential backoff (gRPC A6 retry design; grpc-dotnet retries a streaming call only until its
/// first response message). Other methods are never retried by the client.
/// </summary>
public static class MeshServiceConfig
{
    /// <summary>The agentmesh.v1 services, from the generated descriptors.</summary>
    public static IReadOnlyList<ServiceDescriptor> Services { get; } =
        [Orchestrator.Descriptor, Planner.Descriptor, Agents.Descriptor, ToolHost.Descriptor, State.Descriptor];

    /// <summary>The methods safe to retry, as <c>(service full name, method name)</c>.</summary>
    public static IReadOnlyList<(string Service, string Method)> RetryableMethods { get; } = Services
        .SelectMany(s => s.Methods)
        .Where(m => m.GetOptions()?.IdempotencyLevel is MethodOptions.Types.IdempotencyLevel.Idempotent or MethodOptions.Types.IdempotencyLevel.NoSideEffects)
        .Select(m => (m.Service.FullName, m.Name))
        .ToList();

    /// <summary>A service config retrying <see cref="RetryableMethods"/> up to <paramref name="maxAttempts"/> attempts (2..5).</summary>
    public static ServiceConfig Create(int maxAttempts)
    {
        var retry = new MethodConfig
        {
            RetryPolicy = new RetryPolicy
            {
                MaxAttempts = Math.Clamp(maxAttempts, 2, 5),
                InitialBackoff = TimeSpan.FromMilliseconds(200),
                MaxBackoff = TimeSpan.FromSeconds(2),
                BackoffMultiplier = 2,
                RetryableStatusCodes = { StatusCode.Unavailable },
            },
        };
        foreach (var (service, method) in RetryableMethods)
        {
            retry.Names.Add(new MethodName { Service = service, Method = method });
        }

        return new ServiceConfig { MethodConfigs = { retry } };
    }
}
