using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMesh.Clients;

/// <summary>
/// Resolves the address of each service: the configured <see cref="MeshOptions"/> address, else, in
/// the all-in-one host, this process's own bound address (known once its server has started).
/// </summary>
public sealed class MeshAddresses(IOptions<MeshOptions> options, IServiceProvider services)
{
    /// <summary>The address of <paramref name="service"/>.</summary>
    /// <exception cref="InvalidOperationException">The address is not configured (the message names the setting), or the all-in-one server has not bound yet.</exception>
    public Uri Of(MeshService service)
    {
        var mesh = options.Value;
        if (mesh.AddressOf(service) is { } configured)
        {
            return configured;
        }

        if (!mesh.AllInOne)
        {
            throw new InvalidOperationException(MissingMessage(service));
        }

        var bound = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"The all-in-one host has not bound its address yet, so {service} cannot be called.");
        return new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    /// <summary>The start-up error for an unset address of <paramref name="service"/>.</summary>
    public static string MissingMessage(MeshService service)
        => $"{MeshOptions.SettingOf(service)} is not set: give the address of the {service} service, e.g. http://127.0.0.1:5000 (environment variable {MeshOptions.SettingOf(service).Replace(":", "__", StringComparison.Ordinal)}).";
}
