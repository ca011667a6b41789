namespace AgentMesh.Clients;

/// <summary>
/// Where the other services of the mesh listen, bound from configuration section <c>Mesh</c>
/// (environment: <c>Mesh__Planner=http://10.0.0.5:5002</c>). Addresses are absolute http(s) URLs;
/// plain <c>http</c> means HTTP/2 without TLS (h2c).
/// </summary>
public sealed class MeshOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Mesh";

    /// <summary>Address of the Orchestrator. Default null.</summary>
    public Uri? Orchestrator { get; set; }

    /// <summary>Address of the Planner. Default null.</summary>
    public Uri? Planner { get; set; }

    /// <summary>Address of the Agents service. Default null.</summary>
    public Uri? Agents { get; set; }

    /// <summary>Address of the ToolHost. Default null.</summary>
    public Uri? ToolHost { get; set; }

    /// <summary>Address of the State service. Default null.</summary>
    public Uri? State { get; set; }

    /// <summary>
    /// True in the all-in-one host: a service whose address is not set is served by this process, and
    /// calls to it stay in this process (see <see cref="InProcessCalls"/>). Default false.
    /// </summary>
    public bool AllInOne { get; set; }

    /// <summary>
    /// With <see cref="AllInOne"/>: true calls a service this process serves through its handlers directly
    /// (AgentMesh.InProcess: the statuses, deadlines, cancellation, call-context propagation, retries and
    /// 4 MiB limits of the same call over HTTP/2, without HTTP/2 and the socket); false calls it over gRPC
    /// on this process's own bound address. Default true.
    /// </summary>
    public bool InProcessCalls { get; set; } = true;

    /// <summary>Idle time before the client sends an HTTP/2 PING on a connection with calls open. Default 30 s.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the client waits for the PING's answer before it drops the connection. Default 20 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Attempts (the first included) of a call the protos mark idempotent or free of side effects, on UNAVAILABLE. Default 4.</summary>
    public int RetryMaxAttempts { get; set; } = 4;

    /// <summary>The configured address of <paramref name="service"/>, or null.</summary>
    public Uri? AddressOf(MeshService service) => service switch
    {
        MeshService.Orchestrator => Orchestrator,
        MeshService.Planner => Planner,
        MeshService.Agents => Agents,
        MeshService.ToolHost => ToolHost,
        MeshService.State => State,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
    };

    /// <summary>The setting that holds <paramref name="service"/>'s address, e.g. <c>Mesh:Planner</c>.</summary>
    public static string SettingOf(MeshService service) => $"{Section}:{service}";
}
