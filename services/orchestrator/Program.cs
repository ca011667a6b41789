using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AgentMesh.Hosting;
using AgentMesh.Telemetry;
using AgentMesh.Services.Orchestrator;

// agentmesh.v1.Orchestrator as its own process. Settings: Mesh:Planner, Mesh:Agents and Mesh:State
// (addresses, required), Orchestrator:KnownRoles:<i> (agent roles an explicit plan may use),
// Workflow:Mode (embedded, the default, or dapr) and Workflow:TaskHubPath (the embedded hub's SQLite
// file, default taskhub.db); the listening address from --urls or ASPNETCORE_URLS. With the embedded
// hub, the Dapr.Workflow SDK in this process talks to this process: DAPR_GRPC_ENDPOINT defaults to
// the first listening address.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseMeshKestrel();
builder.Services.AddAgentMeshTelemetry(builder.Configuration, "agentmesh-orchestrator");
var engine = builder.Configuration.GetSection(WorkflowEngineOptions.Section).Get<WorkflowEngineOptions>() ?? new WorkflowEngineOptions();
if (engine.IsEmbedded && string.IsNullOrEmpty(builder.Configuration["DAPR_GRPC_ENDPOINT"]))
{
    var urls = builder.Configuration["urls"] ?? throw new InvalidOperationException("Give the listening address with --urls (or ASPNETCORE_URLS); the embedded task hub is served there.");
    builder.Configuration["DAPR_GRPC_ENDPOINT"] = urls.Split(';')[0];
}

builder.Services.AddOrchestrator(engine, o => builder.Configuration.GetSection("Orchestrator").Bind(o));

var app = builder.Build();
app.MapOrchestrator();
app.MapMeshServer();
app.Run();
