using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AgentMesh.Hosting;
using AgentMesh.Services.State;
using AgentMesh.State;

// agentmesh.v1.State as its own process. Settings: State:DatabasePath (SQLite file, default
// state.db in the working folder); the listening address from --urls or ASPNETCORE_URLS.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseMeshKestrel();
builder.Services.AddSqliteStateStore(builder.Configuration["State:DatabasePath"] ?? "state.db");
builder.Services.AddStateService();

var app = builder.Build();
app.MapStateService();
app.MapMeshServer();
app.Run();
