namespace AgentMesh.Samples.Refunds;

/// <summary>One purchase as stored in the database.</summary>
/// <param name="PurchaseId">The purchase's id, e.g. <c>pur_1001</c>.</param>
/// <param name="CustomerId">The customer who bought it, e.g. <c>user_123</c>.</param>
/// <param name="Product">The product's name.</param>
/// <param name="AmountCents">The price paid, in US cents.</param>
/// <param name="PurchasedAt">The date of the purchase (UTC).</param>
/// <param name="Refund">The refund recorded for it, or null.</param>
public sealed record Purchase(string PurchaseId, string CustomerId, string Product, long AmountCents, DateOnly PurchasedAt, Refund? Refund);
