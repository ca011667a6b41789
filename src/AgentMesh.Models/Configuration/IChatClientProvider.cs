using Microsoft.Extensions.AI;

namespace AgentMesh.Models;

/// <summary>Hands each agent role its model client.</summary>
public interface IChatClientProvider
{
    /// <summary>
    /// The client for <paramref name="role"/> (same instance on every call for a role). Callers tag each call
    /// with <see cref="ModelCallTags"/>. The provider owns the clients; do not dispose them.
    /// </summary>
    IChatClient GetChatClient(string role);
}
