using AgentMesh.Samples.Refunds;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// The refund tools as an MCP server: stdio by default, Streamable HTTP at /mcp with --http (and
// --urls). --db <file> (default refunds.db) is created and seeded when missing (--reset: seeded
// again at every start); --today yyyy-MM-dd pins today's date. See README.md.
RefundServerOptions options;
try
{
    options = RefundServerOptions.Parse(args);
}
catch (ArgumentException error)
{
    await Console.Error.WriteLineAsync(error.Message);
    return 2;
}

var calendar = new BusinessCalendar(TimeProvider.System, options.Today);
var database = new PurchaseDatabase(options.DatabasePath);
await database.InitializeAsync(calendar.Today, options.Reset);

if (options.Http)
{
    var web = WebApplication.CreateBuilder([.. options.HostArguments]);
    web.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    web.Services.AddRefundServer(database, calendar).WithHttpTransport();
    var app = web.Build();
    app.MapMcp("/mcp");
    app.MapGet("/healthz", () => "ok");
    await app.RunAsync();
}
else
{
    var host = Host.CreateApplicationBuilder([.. options.HostArguments]);
    // stdout carries the MCP messages, so every log line goes to stderr.
    host.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    host.Services.AddRefundServer(database, calendar).WithStdioServerTransport();
    await host.Build().RunAsync();
}

return 0;
