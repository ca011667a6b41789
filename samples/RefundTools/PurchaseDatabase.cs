using System.Globalization;
using Microsoft.Data.Sqlite;

namespace AgentMesh.Samples.Refunds;

/// <summary>
/// The purchases and refunds in one SQLite file. Writes are durable when they return (WAL journal,
/// <c>synchronous=FULL</c>), and a refund is decided and recorded in one write transaction, so two
/// calls with the same refund key cannot both refund.
/// </summary>
public sealed class PurchaseDatabase
{
    private readonly string _connectionString;

    /// <summary>A database in the file at <paramref name="path"/>; nothing is opened until the first call.</summary>
    public PurchaseDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, ForeignKeys = true }.ToString();
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates the file and the tables with <see cref="PurchaseSeed"/>'s purchases, dated back from <paramref name="today"/>, unless the tables exist.
    /// With <paramref name="reset"/>, existing tables are dropped first (every purchase and refund in the file is lost), in the same transaction.
    /// </summary>
    /// <returns>True when it seeded the database.</returns>
    public async Task<bool> InitializeAsync(DateOnly today, bool reset = false, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (reset)
        {
            await ExecuteAsync(connection, transaction, PurchaseSchema.Drop, cancellationToken).ConfigureAwait(false);
        }

        var exists = await ScalarAsync(connection, transaction, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'purchases';", cancellationToken).ConfigureAwait(false);
        if (exists != 0)
        {
            return false;
        }

        await ExecuteAsync(connection, transaction, PurchaseSchema.Create, cancellationToken).ConfigureAwait(false);
        foreach (var row in PurchaseSeed.Rows)
        {
            await using var insert = Command(connection, transaction, "INSERT INTO purchases VALUES ($id, $customer, $product, $cents, $date);");
            insert.Parameters.AddWithValue("$id", row.PurchaseId);
            insert.Parameters.AddWithValue("$customer", row.CustomerId);
            insert.Parameters.AddWithValue("$product", row.Product);
            insert.Parameters.AddWithValue("$cents", row.AmountCents);
            insert.Parameters.AddWithValue("$date", Text(today.AddDays(-row.DaysAgo)));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The customer's most recent purchase, or null when the customer has none.</summary>
    public async Task<Purchase?> FindLatestPurchaseAsync(string customerId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadPurchaseAsync(
            connection, null, " WHERE p.customer_id = $key ORDER BY p.purchased_at DESC, p.purchase_id DESC LIMIT 1;", customerId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The purchase with id <paramref name="purchaseId"/>, or null.</summary>
    public async Task<Purchase?> FindPurchaseAsync(string purchaseId, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await ReadPurchaseAsync(connection, null, " WHERE p.purchase_id = $key;", purchaseId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a refund of <paramref name="amountCents"/> for <paramref name="purchaseId"/> under
    /// <paramref name="refundKey"/>, after <paramref name="approve"/> accepted the purchase (it throws
    /// to refuse). A key already used for the same purchase and amount returns that refund unchanged.
    /// </summary>
    /// <exception cref="RefundRefusedException">Unknown purchase, a key used for another refund, or refused by <paramref name="approve"/>.</exception>
    public async Task<Refund> IssueRefundAsync(
        string purchaseId, long amountCents, string refundKey, DateOnly today, Action<Purchase> approve, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await FindRefundByKeyAsync(connection, transaction, refundKey, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return earlier.PurchaseId == purchaseId && earlier.AmountCents == amountCents
                ? earlier
                : throw new RefundRefusedException(
                    $"Refund key '{refundKey}' was already used for a refund of {UsdAmount.Format(earlier.AmountCents)} on purchase {earlier.PurchaseId}; use a new key for a different refund.");
        }

        var purchase = await ReadPurchaseAsync(connection, transaction, " WHERE p.purchase_id = $key;", purchaseId, cancellationToken).ConfigureAwait(false)
            ?? throw new RefundRefusedException($"No purchase with id '{purchaseId}'.");
        approve(purchase);

        await using var insert = Command(
            connection, transaction, "INSERT INTO refunds (purchase_id, refund_key, amount_cents, refunded_at) VALUES ($purchase, $key, $cents, $date) RETURNING refund_id;");
        insert.Parameters.AddWithValue("$purchase", purchaseId);
        insert.Parameters.AddWithValue("$key", refundKey);
        insert.Parameters.AddWithValue("$cents", amountCents);
        insert.Parameters.AddWithValue("$date", Text(today));
        var id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new Refund(RefundId(id), purchaseId, refundKey, amountCents, today);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, "PRAGMA synchronous = FULL;", cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private static async Task<Refund?> FindRefundByKeyAsync(SqliteConnection connection, SqliteTransaction transaction, string refundKey, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, "SELECT refund_id, purchase_id, amount_cents, refunded_at FROM refunds WHERE refund_key = $key;");
        command.Parameters.AddWithValue("$key", refundKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Refund(RefundId(reader.GetInt64(0)), reader.GetString(1), refundKey, reader.GetInt64(2), Date(reader.GetString(3)))
            : null;
    }

    private static async Task<Purchase?> ReadPurchaseAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string where, string key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, PurchaseSchema.SelectPurchase + where);
        command.Parameters.AddWithValue("$key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var purchaseId = reader.GetString(0);
        var refund = reader.IsDBNull(5)
            ? null
            : new Refund(RefundId(reader.GetInt64(5)), purchaseId, reader.GetString(6), reader.GetInt64(7), Date(reader.GetString(8)));
        return new Purchase(purchaseId, reader.GetString(1), reader.GetString(2), reader.GetInt64(3), Date(reader.GetString(4)), refund);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private static string RefundId(long id) => "rf_" + id.ToString(CultureInfo.InvariantCulture);

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly Date(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}
