namespace AgentMesh.Samples.Refunds;

/// <summary>The result of <c>check_refund_policy</c>.</summary>
/// <param name="PurchaseId">The purchase checked.</param>
/// <param name="Eligible">True when it can be refunded today.</param>
/// <param name="DaysSincePurchase">Whole days from the purchase date to today.</param>
/// <param name="WindowDays">The refund window in days (inclusive).</param>
/// <param name="Reason">Why it is or is not eligible, in words.</param>
public sealed record RefundPolicyDecision(string PurchaseId, bool Eligible, int DaysSincePurchase, int WindowDays, string Reason);
