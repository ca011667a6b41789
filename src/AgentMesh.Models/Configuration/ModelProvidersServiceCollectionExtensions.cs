using AgentMesh.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the model providers.</summary>
public static class ModelProvidersServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ModelProviderOptions"/> from section <c>"Models"</c> of <paramref name="configuration"/>,
    /// completes it from the AGENTMESH_MODEL* variables (read from <paramref name="configuration"/>'s root keys,
    /// else the process environment), validates it at start-up, adds logging, and registers
    /// <see cref="ConfiguredChatClientProvider"/> as the singleton <see cref="IChatClientProvider"/> and the <see cref="ModelPriceTable"/> (TryAdd). Azure OpenAI
    /// roles without a key use the <c>Azure.Core.TokenCredential</c> registered here, if any, else <c>DefaultAzureCredential</c>.
    /// </summary>
    public static IServiceCollection AddModelProviders(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddLogging();
        services.AddOptions<ModelProviderOptions>()
            .Bind(configuration.GetSection("Models"))
            .PostConfigure(options => ModelProviderEnvironment.Apply(options, name => configuration[name] ?? Environment.GetEnvironmentVariable(name)))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ModelProviderOptions>, ModelProviderOptionsValidator>());
        services.TryAddSingleton<IChatClientProvider, ConfiguredChatClientProvider>();
        services.TryAddSingleton(sp => new ModelPriceTable(sp.GetRequiredService<IOptions<ModelProviderOptions>>().Value.Prices));
        return services;
    }
}
