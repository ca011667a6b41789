namespace AgentMesh.Samples.Refunds;

/// <summary>The database's tables. Amounts are whole US cents; dates are yyyy-MM-dd text (UTC).</summary>
internal static class PurchaseSchema
{
    /// <summary>Creates the tables; run once, in the transaction that seeds them.</summary>
    public const string Create = """
        CREATE TABLE purchases (
            purchase_id  TEXT PRIMARY KEY,
            customer_id  TEXT NOT NULL,
            product      TEXT NOT NULL,
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
            purchased_at TEXT NOT NULL
        );
        CREATE INDEX purchases_by_customer ON purchases (customer_id, purchased_at);
        CREATE TABLE refunds (
            refund_id    INTEGER PRIMARY KEY AUTOINCREMENT,
            purchase_id  TEXT NOT NULL UNIQUE REFERENCES purchases (purchase_id),
            refund_key   TEXT NOT NULL UNIQUE,
            amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
            refunded_at  TEXT NOT NULL
        );
        """;

    /// <summary>Drops the tables (refunds first, for its foreign key) and with them their rows, indexes and refund id sequence.</summary>
    public const string Drop = """
        DROP TABLE IF EXISTS refunds;
        DROP TABLE IF EXISTS purchases;
        """;

    /// <summary>The columns <see cref="PurchaseDatabase"/> reads a purchase and its refund from, in this order.</summary>
    public const string SelectPurchase = """
        SELECT p.purchase_id, p.customer_id, p.product, p.amount_cents, p.purchased_at,
               r.refund_id, r.refund_key, r.amount_cents, r.refunded_at
        FROM purchases p LEFT JOIN refunds r ON r.purchase_id = p.purchase_id
        """;
}
