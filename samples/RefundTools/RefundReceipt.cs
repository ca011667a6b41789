namespace AgentMesh.Samples.Refunds;

/// <summary>The result of <c>issue_refund</c>; a repeated call with the same refund key returns the same receipt.</summary>
/// <param name="RefundId">The refund's id.</param>
/// <param name="PurchaseId">The refunded purchase.</param>
/// <param name="AmountUsd">The amount refunded, in US dollars.</param>
/// <param name="RefundKey">The idempotency key it was issued under.</param>
/// <param name="RefundedAt">The refund date (UTC), yyyy-MM-dd.</param>
/// <param name="Status">Always <c>refunded</c>.</param>
public sealed record RefundReceipt(string RefundId, string PurchaseId, decimal AmountUsd, string RefundKey, DateOnly RefundedAt, string Status)
{
    /// <summary>The receipt for <paramref name="refund"/>.</summary>
    public static RefundReceipt From(Refund refund) => new(
        refund.RefundId, refund.PurchaseId, UsdAmount.ToDollars(refund.AmountCents), refund.RefundKey, refund.RefundedAt, "refunded");
}
