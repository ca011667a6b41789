using AgentMesh.State;
using Dapr.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the sidecar-mode state store (Dapr's state API through Dapr.Client).</summary>
public static class DaprStateStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DaprStateStore"/> as the singleton <see cref="IStateStore"/> (TryAdd: an earlier
    /// registration wins). Options come from the configuration section <c>State:Dapr</c> (so an
    /// <c>IConfiguration</c> must be registered, as every host does), then <paramref name="configure"/>; they are
    /// validated at start-up with a message naming the setting. A <see cref="DaprClient"/> is registered from
    /// <see cref="DaprStateStoreOptions.GrpcEndpoint"/> and <see cref="DaprStateStoreOptions.ApiToken"/> unless one
    /// already is (e.g. by Dapr.AspNetCore's <c>AddDaprClient</c>). Uses a registered <see cref="TimeProvider"/> when there is one.
    /// </summary>
    public static IServiceCollection AddDaprStateStore(this IServiceCollection services, Action<DaprStateStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DaprStateStoreOptions>().BindConfiguration(DaprStateStoreOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DaprStateStoreOptions>, DaprStateStoreOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<DaprStateStoreOptions>>().Value;
            var builder = new DaprClientBuilder();
            if (settings.GrpcEndpoint is { Length: > 0 } endpoint)
            {
                builder.UseGrpcEndpoint(endpoint);
            }

            if (settings.ApiToken is { Length: > 0 } token)
            {
                builder.UseDaprApiToken(token);
            }

            return builder.Build();
        });
        services.TryAddSingleton(sp => new DaprStateStore(
            sp.GetRequiredService<DaprClient>(),
            sp.GetRequiredService<IOptions<DaprStateStoreOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<DaprStateStore>>()));
        services.TryAddSingleton<IStateStore>(sp => sp.GetRequiredService<DaprStateStore>());
        return services;
    }

    /// <summary>Reports <see cref="DaprStateStoreOptions.Validate"/>'s message, which names the setting.</summary>
    private sealed class DaprStateStoreOptionsValidator : IValidateOptions<DaprStateStoreOptions>
    {
        public ValidateOptionsResult Validate(string? name, DaprStateStoreOptions options) =>
            options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
