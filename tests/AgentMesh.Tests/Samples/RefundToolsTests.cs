using System.Text.Json;
using AgentMesh.Contracts.V1;
using AgentMesh.Tests.ToolHost;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Xunit;

namespace AgentMesh.Tests.Samples;

/// <summary>
/// The sample refund tools server (samples/RefundTools) driven through the real ToolHost over gRPC
/// (ListTools, CallTool), the same tests on each transport. Only <see cref="The_refund_scenario_refunds_once_per_refund_key"/>
/// changes the database, and only user_123's purchase; the other tests do not depend on it.
/// </summary>
public abstract class RefundToolsTests(RefundToolsFixture fixture)
{
    [Fact]
    public async Task ListTools_shows_the_four_tools_with_their_annotations_and_approval()
    {
        var response = await fixture.Client.ListToolsAsync(new ListToolsRequest { Server = "refunds" }).ResponseAsync.WaitAsync(McpTestServers.Timeout);
        var tools = response.Tools.ToDictionary(t => t.Name);
        Assert.Equal(["check_refund_policy", "draft_customer_email", "get_purchase", "issue_refund"], tools.Keys.Order());

        foreach (var name in new[] { "get_purchase", "check_refund_policy", "draft_customer_email" })
        {
            var tool = tools[name];
            Assert.Equal("refunds", tool.Server);
            Assert.True(tool.Annotations.HasReadOnlyHint && tool.Annotations.ReadOnlyHint, name);
            Assert.True(tool.Annotations.HasOpenWorldHint && !tool.Annotations.OpenWorldHint, name);
            Assert.False(tool.RequiresApproval, name);
        }

        var refund = tools["issue_refund"];
        Assert.Equal("Issue refund", refund.Annotations.Title);
        Assert.True(refund.Annotations.HasReadOnlyHint && !refund.Annotations.ReadOnlyHint);
        Assert.True(refund.Annotations.HasDestructiveHint && refund.Annotations.DestructiveHint);
        Assert.True(refund.Annotations.HasIdempotentHint && refund.Annotations.IdempotentHint);
        Assert.True(refund.Annotations.HasOpenWorldHint && !refund.Annotations.OpenWorldHint);
        Assert.True(refund.RequiresApproval);
        Assert.Equal("annotation destructiveHint=true", refund.ApprovalReason);

        using var schema = JsonDocument.Parse(refund.InputSchemaJson);
        var properties = schema.RootElement.GetProperty("properties");
        Assert.Equal("number", properties.GetProperty("amount").GetProperty("type").GetString());
        Assert.Equal(["amount", "purchase_id", "refund_key"], schema.RootElement.GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order());
    }

    [Fact]
    public async Task The_seeded_purchase_of_user_456_is_45_days_old_and_outside_the_policy()
    {
        using var purchase = await CallJson("get_purchase", new { customer_id = "user_456" });
        Assert.Equal("pur_1002", purchase.RootElement.GetProperty("purchase_id").GetString());
        Assert.Equal("Basic License", purchase.RootElement.GetProperty("product").GetString());
        Assert.Equal(49.00m, purchase.RootElement.GetProperty("amount_usd").GetDecimal());
        Assert.Equal("2026-01-29", purchase.RootElement.GetProperty("purchased_at").GetString());
        Assert.False(purchase.RootElement.GetProperty("refunded").GetBoolean());

        using var policy = await CallJson("check_refund_policy", new { purchase_id = "pur_1002" });
        Assert.False(policy.RootElement.GetProperty("eligible").GetBoolean());
        Assert.Equal(45, policy.RootElement.GetProperty("days_since_purchase").GetInt32());
        Assert.Contains("outside the 30-day refund window", policy.RootElement.GetProperty("reason").GetString());

        var refused = await Call("issue_refund", new { purchase_id = "pur_1002", amount = 49.00, refund_key = "ticket-456" });
        Assert.True(refused.IsError);
        Assert.Contains("outside the 30-day refund window", refused.Text);
        Assert.Equal(0, CountRefunds("pur_1002"));

        using var email = await CallJson("draft_customer_email", new { customer_id = "user_456", outcome = "declined" });
        Assert.Contains("Basic License", email.RootElement.GetProperty("subject").GetString());
        Assert.Contains("45 days ago", email.RootElement.GetProperty("body").GetString());
    }

    [Fact]
    public async Task Unknown_ids_and_bad_arguments_are_error_results()
    {
        var unknown = await Call("get_purchase", new { customer_id = "user_999" });
        Assert.True(unknown.IsError);
        Assert.Contains("No purchase found for customer 'user_999'", unknown.Text);
        using (var json = JsonDocument.Parse(unknown.ResultJson))
        {
            Assert.True(json.RootElement.GetProperty("isError").GetBoolean());
        }

        var policy = await Call("check_refund_policy", new { purchase_id = "pur_0000" });
        Assert.True(policy.IsError);
        Assert.Contains("No purchase with id 'pur_0000'", policy.Text);

        var outcome = await Call("draft_customer_email", new { customer_id = "user_123", outcome = "maybe" });
        Assert.True(outcome.IsError);
        Assert.Contains("refunded, declined, denied", outcome.Text);

        var cents = await Call("issue_refund", new { purchase_id = "pur_1001", amount = 10.005, refund_key = "ticket-cents" });
        Assert.True(cents.IsError);
        Assert.Contains("whole cents", cents.Text);
    }

    [Fact]
    public async Task The_refund_scenario_refunds_once_per_refund_key()
    {
        using (var purchase = await CallJson("get_purchase", new { customer_id = "user_123" }))
        {
            Assert.Equal("pur_1001", purchase.RootElement.GetProperty("purchase_id").GetString());
            Assert.Equal("user_123", purchase.RootElement.GetProperty("customer_id").GetString());
            Assert.Equal("Premium Subscription", purchase.RootElement.GetProperty("product").GetString());
            Assert.Equal(149.00m, purchase.RootElement.GetProperty("amount_usd").GetDecimal());
            Assert.Equal("2026-03-03", purchase.RootElement.GetProperty("purchased_at").GetString());
            Assert.False(purchase.RootElement.GetProperty("refunded").GetBoolean());
        }

        using (var policy = await CallJson("check_refund_policy", new { purchase_id = "pur_1001" }))
        {
            Assert.True(policy.RootElement.GetProperty("eligible").GetBoolean());
            Assert.Equal(12, policy.RootElement.GetProperty("days_since_purchase").GetInt32());
        }

        var tooMuch = await Call("issue_refund", new { purchase_id = "pur_1001", amount = 150.00, refund_key = "ticket-123" });
        Assert.True(tooMuch.IsError);
        Assert.Contains("exceeds the $149.00 paid", tooMuch.Text);
        Assert.Equal(0, CountRefunds("pur_1001"));

        var first = await Call("issue_refund", new { purchase_id = "pur_1001", amount = 149.00, refund_key = "ticket-123" });
        Assert.False(first.IsError, first.Text);
        var again = await Call("issue_refund", new { purchase_id = "pur_1001", amount = 149.00, refund_key = "ticket-123" });
        Assert.False(again.IsError, again.Text);
        Assert.Equal(first.Text, again.Text);
        using (var receipt = JsonDocument.Parse(first.Text))
        {
            Assert.StartsWith("rf_", receipt.RootElement.GetProperty("refund_id").GetString());
            Assert.Equal("pur_1001", receipt.RootElement.GetProperty("purchase_id").GetString());
            Assert.Equal(149.00m, receipt.RootElement.GetProperty("amount_usd").GetDecimal());
            Assert.Equal("ticket-123", receipt.RootElement.GetProperty("refund_key").GetString());
            Assert.Equal(RefundToolsServer.Today, receipt.RootElement.GetProperty("refunded_at").GetString());
            Assert.Equal("refunded", receipt.RootElement.GetProperty("status").GetString());
        }

        Assert.Equal(1, CountRefunds("pur_1001"));

        var otherKey = await Call("issue_refund", new { purchase_id = "pur_1001", amount = 149.00, refund_key = "ticket-124" });
        Assert.True(otherKey.IsError);
        Assert.Contains("already refunded", otherKey.Text);
        Assert.Equal(1, CountRefunds("pur_1001"));

        using (var purchase = await CallJson("get_purchase", new { customer_id = "user_123" }))
        {
            Assert.True(purchase.RootElement.GetProperty("refunded").GetBoolean());
        }

        using (var policy = await CallJson("check_refund_policy", new { purchase_id = "pur_1001" }))
        {
            Assert.False(policy.RootElement.GetProperty("eligible").GetBoolean());
            Assert.Contains("already refunded", policy.RootElement.GetProperty("reason").GetString());
        }

        using var email = await CallJson("draft_customer_email", new { customer_id = "user_123", outcome = "refunded", details = "Your reference is ticket-123." });
        Assert.Equal("user_123", email.RootElement.GetProperty("customer_id").GetString());
        Assert.Equal("refunded", email.RootElement.GetProperty("outcome").GetString());
        var body = email.RootElement.GetProperty("body").GetString();
        Assert.Contains("$149.00", body);
        Assert.Contains("Premium Subscription", body);
        Assert.Contains("Your reference is ticket-123.", body);
    }

    private async Task<ToolResult> Call(string tool, object arguments)
    {
        using var call = fixture.Client.CallTool(new CallToolRequest { Server = "refunds", Tool = tool, ArgumentsJson = JsonSerializer.Serialize(arguments) });
        var messages = await call.ResponseStream.ReadAllAsync().ToListAsync().AsTask().WaitAsync(McpTestServers.Timeout);
        Assert.Equal(CallToolResponse.KindOneofCase.Result, messages[^1].KindCase);
        return messages[^1].Result;
    }

    /// <summary>Calls a tool that must succeed and parses its text (the tool's JSON result).</summary>
    private async Task<JsonDocument> CallJson(string tool, object arguments)
    {
        var result = await Call(tool, arguments);
        Assert.False(result.IsError, $"{tool}: {result.Text}");
        return JsonDocument.Parse(result.Text);
    }

    /// <summary>The refunds recorded for <paramref name="purchaseId"/>, read from the server's SQLite file.</summary>
    private int CountRefunds(string purchaseId)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = fixture.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM refunds WHERE purchase_id = $id;";
        command.Parameters.AddWithValue("$id", purchaseId);
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The refund tools over stdio: the ToolHost starts the server process.</summary>
public sealed class RefundToolsStdioTests(StdioRefundToolsFixture fixture) : RefundToolsTests(fixture), IClassFixture<StdioRefundToolsFixture>;

/// <summary>The refund tools over Streamable HTTP: the server runs as its own process on a loopback port.</summary>
public sealed class RefundToolsHttpTests(HttpRefundToolsFixture fixture) : RefundToolsTests(fixture), IClassFixture<HttpRefundToolsFixture>;
