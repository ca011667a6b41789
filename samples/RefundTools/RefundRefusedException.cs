namespace AgentMesh.Samples.Refunds;

/// <summary>A refund the rules or the data do not allow; its message says why, in words meant for the caller.</summary>
/// <param name="message">Why the refund was refused.</param>
public sealed class RefundRefusedException(string message) : Exception(message);
