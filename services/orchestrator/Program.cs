using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AgentMesh.Hosting;
using AgentMesh.Services.Orchestrator;

// agentmesh.v1.Orchestrator as its own process. Settings: Mesh:Planner, Mesh:Agents and Mesh:State
// (addresses, required), Orchestrator:KnownRoles:<i> (agent roles an explicit plan may use),
// Orchestrator:TaskHubPath (SQLite file, default taskhub.db); the listening address from --urls or
// ASPNETCORE_URLS.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseMeshKestrel();
builder.Services.AddOrchestrator(
    builder.Configuration["Orchestrator:TaskHubPath"] ?? "taskhub.db",
    o => builder.Configuration.GetSection("Orchestrator").Bind(o));

var app = builder.Build();
app.MapOrchestrator();
app.MapMeshServer();
app.Run();
