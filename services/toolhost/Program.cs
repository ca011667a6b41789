using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AgentMesh.Hosting;
using AgentMesh.Telemetry;
using AgentMesh.Services.ToolHost;

// agentmesh.v1.ToolHost as its own process. Settings: ToolHost:ConfigPath (the mcpServers JSON
// file, required) and ToolHost:Variables:<NAME> for ${NAME} in it; the listening address from
// --urls or ASPNETCORE_URLS.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseMeshKestrel();
builder.Services.AddAgentMeshTelemetry(builder.Configuration, "agentmesh-toolhost");
builder.Services.AddToolHost(o => builder.Configuration.GetSection("ToolHost").Bind(o));

var app = builder.Build();
app.MapToolHost();
app.MapMeshServer();
app.Run();
