using System.Text;

namespace AgentMesh.Samples.Refunds;

/// <summary>Writes the plain-text emails that tell a customer how their refund request ended.</summary>
public static class CustomerEmailWriter
{
    /// <summary>The outcomes an email can be about.</summary>
    public static IReadOnlyList<string> Outcomes { get; } = ["refunded", "declined", "denied"];

    /// <summary>
    /// A draft for <paramref name="purchase"/>'s customer about <paramref name="outcome"/> (one of
    /// <see cref="Outcomes"/>): <c>refunded</c> confirms the refund, <c>declined</c> explains the policy
    /// with <paramref name="policy"/>'s reason, <c>denied</c> says a reviewer did not approve it.
    /// <paramref name="details"/>, when given, is added as its own paragraph.
    /// </summary>
    public static EmailDraft Write(Purchase purchase, string outcome, RefundPolicyDecision policy, string? details)
    {
        var amount = UsdAmount.Format(purchase.Refund?.AmountCents ?? purchase.AmountCents);
        var (subject, message) = outcome switch
        {
            "refunded" => (
                $"Your refund for {purchase.Product} is on its way",
                $"We have refunded {amount} for your {purchase.Product} purchase ({purchase.PurchaseId}). "
                + "Depending on your bank, it can take 5 to 10 business days to show on your statement."),
            "declined" => (
                $"About your refund request for {purchase.Product}",
                $"We looked at your request to refund your {purchase.Product} purchase ({purchase.PurchaseId}), "
                + $"and we are sorry that we cannot refund it: {Lower(policy.Reason)}"),
            "denied" => (
                $"About your refund request for {purchase.Product}",
                $"We reviewed your request to refund your {purchase.Product} purchase ({purchase.PurchaseId}), "
                + "and we are sorry that we could not approve it this time."),
            _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, $"The outcome must be one of: {string.Join(", ", Outcomes)}."),
        };

        var body = new StringBuilder()
            .Append("Hello,\n\n")
            .Append("Thank you for contacting us about your order. ").Append(message).Append("\n\n");
        if (!string.IsNullOrWhiteSpace(details))
        {
            body.Append(details.Trim()).Append("\n\n");
        }

        body.Append("If you have any questions, just reply to this email and we will be glad to help.\n\n")
            .Append("Kind regards,\nCustomer Support\n");
        return new EmailDraft(purchase.CustomerId, outcome, subject, body.ToString());
    }

    private static string Lower(string sentence) => sentence.Length > 0 ? char.ToLowerInvariant(sentence[0]) + sentence[1..] : sentence;
}
