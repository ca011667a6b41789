using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AgentMesh.Hosting;
using AgentMesh.Telemetry;
using AgentMesh.Services.Agents;

// agentmesh.v1.Agents as its own process. Settings: Mesh:ToolHost and Mesh:State (addresses,
// required), Agents:* and Models:* (see README); the listening address from --urls or ASPNETCORE_URLS.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseMeshKestrel();
builder.Services.AddAgentMeshTelemetry(builder.Configuration, "agentmesh-agents");
builder.Services.AddModelProviders(builder.Configuration);
builder.Services.AddAgents(o => builder.Configuration.GetSection("Agents").Bind(o));

var app = builder.Build();
app.MapAgents();
app.MapMeshServer();
app.Run();
