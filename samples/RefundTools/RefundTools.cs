using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace AgentMesh.Samples.Refunds;

/// <summary>
/// The MCP tools. The annotations on each <see cref="McpServerToolAttribute"/> tell clients what a
/// tool does to the world; a failure the caller can fix is thrown as <see cref="McpException"/>, which
/// the SDK answers with an <c>isError</c> result carrying the message. Parameter names are the
/// JSON argument names as they are (the serializer's naming policy renames results, not
/// parameters), hence snake_case.
/// </summary>
/// <param name="purchases">The purchase database.</param>
/// <param name="policy">The refund rules.</param>
/// <param name="calendar">Today's date.</param>
[McpServerToolType]
public sealed class RefundTools(PurchaseDatabase purchases, RefundPolicy policy, BusinessCalendar calendar)
{
    /// <summary><c>get_purchase</c>: the customer's most recent purchase.</summary>
    [McpServerTool(Name = "get_purchase", Title = "Get purchase", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Looks up a customer's most recent purchase: purchase id, product, amount paid in USD, purchase date (yyyy-MM-dd, UTC) and whether it was refunded.")]
    public async Task<PurchaseDetails> GetPurchaseAsync(
        [Description("The customer's id, e.g. user_123.")] string customer_id,
        CancellationToken cancellationToken = default)
        => PurchaseDetails.From(await FindByCustomerAsync(customer_id, cancellationToken).ConfigureAwait(false));

    /// <summary><c>check_refund_policy</c>: whether a purchase can be refunded today, and why.</summary>
    [McpServerTool(Name = "check_refund_policy", Title = "Check refund policy", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Checks a purchase against the refund policy: eligible when bought at most 30 days ago (inclusive) and not refunded yet. Returns eligible, days since purchase and the reason in words.")]
    public async Task<RefundPolicyDecision> CheckRefundPolicyAsync(
        [Description("The purchase id from get_purchase, e.g. pur_1001.")] string purchase_id,
        CancellationToken cancellationToken = default)
        => policy.Check(await purchases.FindPurchaseAsync(purchase_id, cancellationToken).ConfigureAwait(false)
            ?? throw new McpException($"No purchase with id '{purchase_id}'."));

    /// <summary><c>issue_refund</c>: records a refund, once per refund key.</summary>
    [McpServerTool(Name = "issue_refund", Title = "Issue refund", ReadOnly = false, Destructive = true, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Refunds a purchase that the refund policy allows, for at most the amount paid. Idempotent by refund_key: calling again with the same key, purchase and amount returns the first refund's receipt and changes nothing.")]
    public async Task<RefundReceipt> IssueRefundAsync(
        [Description("The purchase id to refund, e.g. pur_1001.")] string purchase_id,
        [Description("The amount to refund in USD, e.g. 149.00; more than zero, whole cents, at most the amount paid.")] decimal amount,
        [Description("A key unique to this refund (e.g. the support ticket id); retries must reuse it so the customer is refunded once.")] string refund_key,
        CancellationToken cancellationToken = default)
    {
        var cents = UsdAmount.ToCents(amount) ?? throw new McpException($"The amount must be more than zero and in whole cents, not {amount}.");
        if (string.IsNullOrWhiteSpace(refund_key))
        {
            throw new McpException("refund_key must not be empty.");
        }

        try
        {
            var refund = await purchases.IssueRefundAsync(
                purchase_id, cents, refund_key, calendar.Today, purchase => policy.EnsureRefundable(purchase, cents), cancellationToken).ConfigureAwait(false);
            return RefundReceipt.From(refund);
        }
        catch (RefundRefusedException refused)
        {
            throw new McpException(refused.Message, refused);
        }
    }

    /// <summary><c>draft_customer_email</c>: the text of an email about the outcome; nothing is sent.</summary>
    [McpServerTool(Name = "draft_customer_email", Title = "Draft customer email", ReadOnly = true, Destructive = false, Idempotent = true, OpenWorld = false, UseStructuredContent = true)]
    [Description("Drafts (does not send) a polite email to the customer about their refund request's outcome: refunded, declined (outside the refund policy) or denied (not approved on review). Returns subject and body.")]
    public async Task<EmailDraft> DraftCustomerEmailAsync(
        [Description("The customer's id, e.g. user_123.")] string customer_id,
        [Description("The outcome: refunded, declined or denied.")] string outcome,
        [Description("Optional: a sentence or two to add to the email, e.g. a next step.")] string? details = null,
        CancellationToken cancellationToken = default)
    {
        var normalized = outcome.Trim().ToLowerInvariant();
        if (!CustomerEmailWriter.Outcomes.Contains(normalized))
        {
            throw new McpException($"The outcome must be one of: {string.Join(", ", CustomerEmailWriter.Outcomes)}; got '{outcome}'.");
        }

        var purchase = await FindByCustomerAsync(customer_id, cancellationToken).ConfigureAwait(false);
        return CustomerEmailWriter.Write(purchase, normalized, policy.Check(purchase), details);
    }

    private async Task<Purchase> FindByCustomerAsync(string customerId, CancellationToken cancellationToken)
        => await purchases.FindLatestPurchaseAsync(customerId, cancellationToken).ConfigureAwait(false)
            ?? throw new McpException($"No purchase found for customer '{customerId}'.");
}
