using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using AgentMesh.Hosting;
using AgentMesh.Telemetry;
using AgentMesh.Services.State;
using AgentMesh.State;

// agentmesh.v1.State as its own process. Settings: State:Store ("sqlite", the default, or "dapr");
// for sqlite State:DatabasePath (default state.db in the working folder); for dapr the State:Dapr section
// (StoreName, default statestore; GrpcEndpoint and ApiToken, default from DAPR_GRPC_ENDPOINT / DAPR_API_TOKEN).
// The listening address from --urls or ASPNETCORE_URLS.
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseMeshKestrel();
builder.Services.AddAgentMeshTelemetry(builder.Configuration, "agentmesh-state");
switch (builder.Configuration["State:Store"] ?? "sqlite")
{
    case "sqlite":
        builder.Services.AddSqliteStateStore(builder.Configuration["State:DatabasePath"] ?? "state.db");
        break;
    case "dapr":
        builder.Services.AddDaprStateStore();
        break;
    case var other:
        throw new InvalidOperationException($"State:Store is '{other}'; it must be 'sqlite' or 'dapr'.");
}

builder.Services.AddStateService();

var app = builder.Build();
app.MapStateService();
app.MapMeshServer();
app.Run();
