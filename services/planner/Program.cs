using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AgentMesh.Hosting;
using AgentMesh.Telemetry;
using AgentMesh.Services.Planner;

// agentmesh.v1.Planner as its own process. Settings: Planner:Roles:<role>=<description> (the agent
// roles a plan may use, at least one), Models:* (see README); the listening address from --urls
// or ASPNETCORE_URLS.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseMeshKestrel();
builder.Services.AddAgentMeshTelemetry(builder.Configuration, "agentmesh-planner");
builder.Services.AddModelProviders(builder.Configuration);
builder.Services.AddPlanner(o => builder.Configuration.GetSection("Planner").Bind(o));

var app = builder.Build();
app.MapPlanner();
app.MapMeshServer();
app.Run();
