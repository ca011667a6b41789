using Microsoft.Extensions.AI;

namespace AgentMesh.Models;

/// <summary>Hands each agent role its model client.</summary>
public interface IChatClientProvider
{
    /// <summary>
    /// The client for <paramref name="role"/>, on model tier <paramref name="tier"/> when a plan step names one (else the
    /// role's own; same instance on every call for a role and tier). Callers tag each call with <see cref="ModelCallTags"/>.
    /// The provider owns the clients; do not dispose them.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="tier"/> is not a configured tier (<see cref="ModelProviderOptions.Tiers"/>).</exception>
    IChatClient GetChatClient(string role, string? tier = null);
}
