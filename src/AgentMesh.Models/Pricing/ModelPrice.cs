namespace AgentMesh.Models;

/// <summary>
/// What one model's tokens cost, in US dollars per 1,000,000 tokens (configuration <c>Models:Prices:{model}</c>,
/// e.g. <c>Models:Prices:gpt-4o:Input=2.5</c>). Every price must be 0 or more.
/// </summary>
public sealed class ModelPrice
{
    /// <summary>Input (prompt) tokens not served from the provider's prompt cache. Default 0.</summary>
    public double Input { get; set; }

    /// <summary>Input tokens served from the prompt cache. Default <c>null</c>: the same as <see cref="Input"/>.</summary>
    public double? CachedInput { get; set; }

    /// <summary>Output (completion) tokens. Default 0.</summary>
    public double Output { get; set; }
}
