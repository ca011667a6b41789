namespace AgentMesh.Samples.Refunds;

/// <summary>The purchases a new database starts with, dated relative to the day it is created.</summary>
public static class PurchaseSeed
{
    /// <summary>One seeded purchase: bought <paramref name="DaysAgo"/> days before the seed date.</summary>
    public sealed record Row(string PurchaseId, string CustomerId, string Product, long AmountCents, int DaysAgo);

    /// <summary>user_123: Premium Subscription, $149.00, 12 days ago; user_456: Basic License, $49.00, 45 days ago.</summary>
    public static IReadOnlyList<Row> Rows { get; } =
    [
        new("pur_1001", "user_123", "Premium Subscription", 14_900, 12),
        new("pur_1002", "user_456", "Basic License", 4_900, 45),
    ];
}
