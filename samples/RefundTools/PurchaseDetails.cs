namespace AgentMesh.Samples.Refunds;

/// <summary>The result of <c>get_purchase</c>.</summary>
/// <param name="PurchaseId">The purchase's id.</param>
/// <param name="CustomerId">The customer who bought it.</param>
/// <param name="Product">The product's name.</param>
/// <param name="AmountUsd">The price paid, in US dollars.</param>
/// <param name="PurchasedAt">The purchase date (UTC), yyyy-MM-dd.</param>
/// <param name="Refunded">True when a refund has been issued for it.</param>
public sealed record PurchaseDetails(string PurchaseId, string CustomerId, string Product, decimal AmountUsd, DateOnly PurchasedAt, bool Refunded)
{
    /// <summary>The details of <paramref name="purchase"/>.</summary>
    public static PurchaseDetails From(Purchase purchase) => new(
        purchase.PurchaseId, purchase.CustomerId, purchase.Product, UsdAmount.ToDollars(purchase.AmountCents), purchase.PurchasedAt, purchase.Refund is not null);
}
