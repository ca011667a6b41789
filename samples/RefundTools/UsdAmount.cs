using System.Globalization;

namespace AgentMesh.Samples.Refunds;

/// <summary>US dollar amounts: stored as whole cents, shown to callers as numbers with two decimals.</summary>
public static class UsdAmount
{
    /// <summary>Cents as dollars with two decimals, e.g. 14900 → 149.00.</summary>
    public static decimal ToDollars(long cents) => cents * 0.01m;

    /// <summary>Dollars as cents; null when <paramref name="dollars"/> is not positive or has fractions of a cent.</summary>
    public static long? ToCents(decimal dollars)
        => dollars > 0 && decimal.Round(dollars, 2) == dollars && dollars < 1_000_000_000m ? (long)(dollars * 100) : null;

    /// <summary>Cents for people, e.g. 14900 → "$149.00".</summary>
    public static string Format(long cents) => "$" + ToDollars(cents).ToString("#,0.00", CultureInfo.InvariantCulture);
}
