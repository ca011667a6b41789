using AgentMesh.State;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded SQLite state store.</summary>
public static class SqliteStateStoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="SqliteStateStore"/> on <paramref name="path"/> (or <c>":memory:"</c>) as the
    /// singleton <see cref="AgentMesh.State.IStateStore"/> (TryAdd: an earlier registration wins). Uses a
    /// registered <see cref="TimeProvider"/> when there is one.
    /// </summary>
    public static IServiceCollection AddSqliteStateStore(this IServiceCollection services, string path)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(path);
        services.TryAddSingleton(sp => new SqliteStateStore(path, sp.GetService<TimeProvider>()));
        services.TryAddSingleton<AgentMesh.State.IStateStore>(sp => sp.GetRequiredService<SqliteStateStore>());
        return services;
    }
}
