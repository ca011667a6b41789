namespace AgentMesh.Samples.Refunds;

/// <summary>A refund as stored in the database; a purchase has at most one.</summary>
/// <param name="RefundId">The refund's id, e.g. <c>rf_1</c>.</param>
/// <param name="PurchaseId">The refunded purchase.</param>
/// <param name="RefundKey">The caller's idempotency key the refund was issued under.</param>
/// <param name="AmountCents">The amount refunded, in US cents.</param>
/// <param name="RefundedAt">The date of the refund (UTC).</param>
public sealed record Refund(string RefundId, string PurchaseId, string RefundKey, long AmountCents, DateOnly RefundedAt);
