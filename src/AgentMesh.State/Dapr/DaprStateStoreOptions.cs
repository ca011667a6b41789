namespace AgentMesh.State;

/// <summary>
/// Options of <see cref="DaprStateStore"/>, bound from the configuration section <c>State:Dapr</c> by
/// <c>AddDaprStateStore</c>.
/// </summary>
public sealed class DaprStateStoreOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "State:Dapr";

    /// <summary>
    /// Name of the Dapr state store component (its <c>metadata.name</c>) that holds AgentMesh's state
    /// (<c>State:Dapr:StoreName</c>). Default <c>"statestore"</c>, the name <c>dapr init</c> gives its Redis
    /// store. The component must support transactions and ETags (docs.dapr.io, "Supported state stores").
    /// </summary>
    public string StoreName { get; set; } = "statestore";

    /// <summary>
    /// gRPC address of the Dapr sidecar, e.g. <c>http://127.0.0.1:50001</c> (<c>State:Dapr:GrpcEndpoint</c>).
    /// <c>null</c> (default) lets <c>DaprClientBuilder</c> decide: <c>DAPR_GRPC_ENDPOINT</c>, else
    /// <c>DAPR_GRPC_PORT</c> on 127.0.0.1, else port 50001. Ignored when a <c>DaprClient</c> is already registered.
    /// </summary>
    public string? GrpcEndpoint { get; set; }

    /// <summary>
    /// Dapr API token sent as the <c>dapr-api-token</c> header (<c>State:Dapr:ApiToken</c>). <c>null</c> (default)
    /// lets <c>DaprClientBuilder</c> read <c>DAPR_API_TOKEN</c>. Ignored when a <c>DaprClient</c> is already registered.
    /// </summary>
    public string? ApiToken { get; set; }

    /// <summary>
    /// Prefix of the keys of the key-index documents (<c>State:Dapr:IndexKeyPrefix</c>); application keys
    /// starting with it are rejected. Default <c>"agentmesh.keyindex:"</c>. Changing it on a store that holds
    /// data hides every existing key from <see cref="IStateStore.ListKeysAsync"/>.
    /// </summary>
    public string IndexKeyPrefix { get; set; } = "agentmesh.keyindex:";

    /// <summary>
    /// How many times one write is tried when it loses a race on a key-index document or on an unconditional
    /// write's key (<c>State:Dapr:MaxConflictAttempts</c>). Default 100; at least 1. Conflicts with the caller's
    /// own ETag or create-only checks are never retried.
    /// </summary>
    public int MaxConflictAttempts { get; set; } = 100;

    /// <summary>Returns the first problem with these options, naming the setting, or <c>null</c> when they are valid.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(StoreName))
        {
            return $"{SectionName}:StoreName must name a Dapr state store component.";
        }

        if (string.IsNullOrEmpty(IndexKeyPrefix) || IndexKeyPrefix.Contains("||", StringComparison.Ordinal))
        {
            return $"{SectionName}:IndexKeyPrefix must be non-empty and must not contain '||' (Dapr reserves it in keys).";
        }

        if (MaxConflictAttempts < 1)
        {
            return $"{SectionName}:MaxConflictAttempts must be at least 1 (was {MaxConflictAttempts}).";
        }

        return null;
    }
}
