using AgentMesh.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentMesh.Tests.Models;

/// <summary>Builds the model providers the way a host does (<c>AddModelProviders</c>) from in-memory settings.</summary>
internal static class ModelProviderServices
{
    public static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddModelProviders(configuration);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>The client of <paramref name="role"/> from the registered <c>IChatClientProvider</c>.</summary>
    public static IChatClient ChatClient(this ServiceProvider services, string role = "researcher") =>
        services.GetRequiredService<IChatClientProvider>().GetChatClient(role);
}
