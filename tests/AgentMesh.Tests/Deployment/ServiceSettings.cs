using System.Text.RegularExpressions;
using AgentMesh.Clients;
using AgentMesh.Models;
using AgentMesh.Services.Agents;
using AgentMesh.Services.Orchestrator;
using AgentMesh.Services.Planner;
using AgentMesh.Services.State;
using AgentMesh.Services.ToolHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMesh.Tests.Deployment;

/// <summary>
/// What each AgentMesh service reads from configuration, taken from the code: the sections its
/// Program.cs binds into options classes, the keys it reads directly, and the mesh addresses its
/// registration requires at start-up.
/// </summary>
internal static partial class ServiceSettings
{
    /// <summary>The five services, named as in dapr/kubernetes and tye.yaml: <see cref="MeshService"/> in lower case.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<MeshService>().Select(NameOf).ToList();

    /// <summary>
    /// Settings read by a registration rather than by Program.cs or a section it binds: the State
    /// service's <c>AddDaprStateStore</c> binds section <c>State:Dapr</c> (<see cref="AgentMesh.State.DaprStateStoreOptions"/>) itself.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> SidecarModeSettings { get; } = new Dictionary<string, string[]>
    {
        ["state"] = ["State:Dapr:StoreName"],
    };

    private static readonly Dictionary<string, Type> OptionsBySection = new()
    {
        [MeshOptions.Section] = typeof(MeshOptions),
        ["Orchestrator"] = typeof(OrchestratorOptions),
        ["Planner"] = typeof(PlannerOptions),
        ["Agents"] = typeof(AgentsOptions),
        ["ToolHost"] = typeof(ToolHostOptions),
        ["Models"] = typeof(ModelProviderOptions),
        [WorkflowEngineOptions.Section] = typeof(WorkflowEngineOptions),
    };

    private static readonly Dictionary<string, Action<IServiceCollection>> Registrations = new()
    {
        ["orchestrator"] = s => s.AddOrchestrator(new WorkflowEngineOptions(), _ => { }),
        ["planner"] = s => s.AddPlanner(_ => { }),
        ["agents"] = s => s.AddAgents(),
        ["toolhost"] = s => s.AddToolHost(),
        ["state"] = s => s.AddStateService(),
    };

    public static string NameOf(MeshService service) => service.ToString().ToLowerInvariant();

    /// <summary>
    /// The mesh addresses <paramref name="service"/> refuses to start without: the services for which
    /// a <c>Mesh</c> validator registered by its AddX fails when only that address is missing.
    /// </summary>
    public static IReadOnlySet<MeshService> RequiredAddresses(string service)
    {
        var services = new ServiceCollection();
        Registrations[service](services);
        using var provider = services.BuildServiceProvider();
        var validators = provider.GetServices<IValidateOptions<MeshOptions>>().ToList();
        return Enum.GetValues<MeshService>()
            .Where(missing => validators.Any(v => v.Validate(Options.DefaultName, AllAddressesBut(missing)).Failed))
            .ToHashSet();
    }

    /// <summary>
    /// Why the setting <paramref name="key"/> (configuration form, e.g. <c>Mesh:Planner</c>) with
    /// <paramref name="value"/> is not something <paramref name="service"/> reads; null when it is: a
    /// key its Program.cs reads directly, or a key that binds into the options class of a section
    /// the service binds (unknown keys and unconvertible values are errors).
    /// </summary>
    public static string? Problem(string service, string key, string value)
    {
        var program = File.ReadAllText(Path.Combine(RepoPaths.Root, "services", service, "Program.cs"));
        if (program.Contains($"Configuration[\"{key}\"]", StringComparison.Ordinal)
            || SidecarModeSettings.GetValueOrDefault(service, []).Contains(key))
        {
            return null;
        }

        var section = key.Split(':')[0];
        if (!BoundSections(service, program).Contains(section))
        {
            return $"{service} does not read configuration section {section}";
        }

        try
        {
            new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(key, (string?)value)]).Build()
                .GetSection(section).Get(OptionsBySection[section], o => o.ErrorOnUnknownConfiguration = true);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    private static HashSet<string> BoundSections(string service, string program)
    {
        var sections = GetSectionCall().Matches(program).Select(m => m.Groups[1].Value).ToHashSet();
        if (program.Contains("GetSection(WorkflowEngineOptions.Section)", StringComparison.Ordinal))
        {
            sections.Add(WorkflowEngineOptions.Section);
        }

        if (program.Contains("AddModelProviders(", StringComparison.Ordinal))
        {
            sections.Add("Models");
        }

        if (RequiredAddresses(service).Count > 0)
        {
            sections.Add(MeshOptions.Section);
        }

        return sections;
    }

    private static MeshOptions AllAddressesBut(MeshService missing)
    {
        var options = new MeshOptions();
        foreach (var service in Enum.GetValues<MeshService>().Where(s => s != missing))
        {
            typeof(MeshOptions).GetProperty(service.ToString())!.SetValue(options, new Uri($"http://{NameOf(service)}:1"));
        }

        return options;
    }

    [GeneratedRegex("""GetSection\("(\w+)"\)""")]
    private static partial Regex GetSectionCall();
}
