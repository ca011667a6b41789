using Grpc.Core;
using Grpc.Net.Client.Configuration;

namespace AgentMesh.InProcess;

/// <summary>
/// A method's retry policy from a gRPC service config (gRPC A6): the first method config naming the
/// method, else one naming its service, else one with an empty name. Backoff before attempt n+1 is
/// random in [0, min(initial × multiplier^(n−1), max)).
/// </summary>
internal sealed class InProcessRetryPolicy
{
    private readonly RetryPolicy _policy;

    private InProcessRetryPolicy(RetryPolicy policy) => _policy = policy;

    /// <summary>Attempts, the first included.</summary>
    public int MaxAttempts => _policy.MaxAttempts ?? 1;

    /// <summary>The policy for <paramref name="method"/>, or null when the config has none.</summary>
    public static InProcessRetryPolicy? For(ServiceConfig? config, IMethod method)
    {
        if (config is null)
            return null;
        MethodConfig? forService = null, forAll = null;
        foreach (var methodConfig in config.MethodConfigs)
        {
            foreach (var name in methodConfig.Names)
            {
                if (string.IsNullOrEmpty(name.Service))
                    forAll ??= methodConfig;
                else if (name.Service == method.ServiceName && string.IsNullOrEmpty(name.Method))
                    forService ??= methodConfig;
                else if (name.Service == method.ServiceName && name.Method == method.Name)
                    return Create(methodConfig);
            }
        }
        return Create(forService ?? forAll);
    }

    /// <summary>Whether an attempt that ended with <paramref name="code"/> may be followed by attempt <paramref name="attempt"/> + 1.</summary>
    public bool Retries(StatusCode code, int attempt) => attempt < MaxAttempts && _policy.RetryableStatusCodes.Contains(code);

    /// <summary>The wait before the attempt after <paramref name="attempt"/>.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var initial = (_policy.InitialBackoff ?? TimeSpan.Zero).TotalMilliseconds;
        var ceiling = Math.Min(initial * Math.Pow(_policy.BackoffMultiplier ?? 1, attempt - 1), (_policy.MaxBackoff ?? TimeSpan.Zero).TotalMilliseconds);
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    private static InProcessRetryPolicy? Create(MethodConfig? config) => config?.RetryPolicy is { } policy ? new InProcessRetryPolicy(policy) : null;
}
