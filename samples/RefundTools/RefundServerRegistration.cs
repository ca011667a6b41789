using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace AgentMesh.Samples.Refunds;

/// <summary>Registers the refund tools' services and the MCP server, for either transport.</summary>
public static class RefundServerRegistration
{
    /// <summary>Tool arguments and results in snake_case JSON (<c>purchase_id</c>, <c>amount_usd</c>, …).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(McpJsonUtilities.DefaultOptions) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Adds <paramref name="database"/>, the calendar, the policy and an MCP server with
    /// <see cref="RefundTools"/>; the caller adds the transport (<c>WithStdioServerTransport</c> or <c>WithHttpTransport</c>).
    /// </summary>
    public static IMcpServerBuilder AddRefundServer(this IServiceCollection services, PurchaseDatabase database, BusinessCalendar calendar)
    {
        services.AddSingleton(database);
        services.AddSingleton(calendar);
        services.AddSingleton<RefundPolicy>();
        return services
            .AddMcpServer(o => o.ServerInfo = new Implementation { Name = "agentmesh-refund-tools", Version = "1.0.0" })
            .WithTools<RefundTools>(JsonOptions);
    }
}
