using System.Text;
using AgentMesh.State;
using AgentMesh.Tests.State.DaprStandIn;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMesh.Tests.State;

/// <summary><c>AddDaprStateStore</c> takes the <c>State:Dapr</c> settings: store name, sidecar address, API token.</summary>
public sealed class DaprStateStoreRegistrationTests
{
    [Fact]
    public async Task Settings_pick_the_store_name_the_sidecar_and_the_api_token()
    {
        await using var sidecar = await DaprStateStandIn.StartAsync(new DaprStateStandInOptions { StoreNames = ["agentmesh-state"], ApiToken = "t0ken" });
        await using var services = Build(new()
        {
            ["State:Dapr:StoreName"] = "agentmesh-state",
            ["State:Dapr:GrpcEndpoint"] = sidecar.GrpcEndpoint,
            ["State:Dapr:ApiToken"] = "t0ken",
        });

        var store = services.GetRequiredService<IStateStore>();
        Assert.IsType<DaprStateStore>(store);
        var etag = await store.SetAsync("configured", Encoding.UTF8.GetBytes("yes"));
        Assert.Equal(etag, (await store.GetAsync("configured"))!.ETag);
        Assert.NotNull(sidecar.Stores["agentmesh-state"].Get("configured"));
    }

    [Fact]
    public async Task A_wrong_setting_is_reported_by_name()
    {
        await using var services = Build(new() { ["State:Dapr:StoreName"] = "", ["State:Dapr:MaxConflictAttempts"] = "0" });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<DaprStateStoreOptions>>().Value);
        Assert.Contains("State:Dapr:StoreName", error.Message);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddDaprStateStore().BuildServiceProvider();
    }
}
