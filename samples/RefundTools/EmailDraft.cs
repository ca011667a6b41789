namespace AgentMesh.Samples.Refunds;

/// <summary>The result of <c>draft_customer_email</c>: text to review and send elsewhere; nothing is sent.</summary>
/// <param name="CustomerId">The customer it is addressed to.</param>
/// <param name="Outcome">refunded, declined or denied.</param>
/// <param name="Subject">The subject line.</param>
/// <param name="Body">The plain-text body.</param>
public sealed record EmailDraft(string CustomerId, string Outcome, string Subject, string Body);
