namespace AgentMesh.Samples.Refunds;

/// <summary>
/// The refund rules: a purchase is eligible when it was bought at most <see cref="WindowDays"/> days
/// ago (inclusive) and has not been refunded; a refund may not exceed the price paid.
/// </summary>
/// <param name="calendar">Where "today" comes from.</param>
public sealed class RefundPolicy(BusinessCalendar calendar)
{
    /// <summary>How many days after the purchase a refund is still possible (inclusive).</summary>
    public const int WindowDays = 30;

    /// <summary>Whether <paramref name="purchase"/> can be refunded today, and why.</summary>
    public RefundPolicyDecision Check(Purchase purchase)
    {
        var days = calendar.Today.DayNumber - purchase.PurchasedAt.DayNumber;
        var (eligible, reason) = (purchase.Refund, days) switch
        {
            ({ } refund, _) => (false, $"Purchase {purchase.PurchaseId} was already refunded ({UsdAmount.Format(refund.AmountCents)} on {refund.RefundedAt:yyyy-MM-dd})."),
            (_, < 0) => (false, $"Purchase {purchase.PurchaseId} is dated {purchase.PurchasedAt:yyyy-MM-dd}, after today; it cannot be refunded yet."),
            (_, > WindowDays) => (false, $"Purchased {Days(days)} ago, outside the {WindowDays}-day refund window."),
            _ => (true, $"Purchased {Days(days)} ago, within the {WindowDays}-day refund window, and not refunded yet."),
        };
        return new RefundPolicyDecision(purchase.PurchaseId, eligible, days, WindowDays, reason);
    }

    /// <summary>Throws <see cref="RefundRefusedException"/> unless <paramref name="amountCents"/> may be refunded for <paramref name="purchase"/> today.</summary>
    public void EnsureRefundable(Purchase purchase, long amountCents)
    {
        if (amountCents > purchase.AmountCents)
        {
            throw new RefundRefusedException(
                $"Refund of {UsdAmount.Format(amountCents)} exceeds the {UsdAmount.Format(purchase.AmountCents)} paid for purchase {purchase.PurchaseId}.");
        }

        var decision = Check(purchase);
        if (!decision.Eligible)
        {
            throw new RefundRefusedException($"No refund issued: {decision.Reason}");
        }
    }

    private static string Days(int days) => days == 1 ? "1 day" : $"{days} days";
}
