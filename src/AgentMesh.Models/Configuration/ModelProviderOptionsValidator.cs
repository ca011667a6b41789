using Microsoft.Extensions.Options;

namespace AgentMesh.Models;

/// <summary>Start-up validation of <see cref="ModelProviderOptions"/>; every message names the setting.</summary>
public sealed class ModelProviderOptionsValidator : IValidateOptions<ModelProviderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ModelProviderOptions options)
    {
        var failures = new List<string>();
        if (string.Equals(options.Provider, ModelProviderOptions.Scripted, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(options.Cassette))
            {
                failures.Add("Models:Cassette is required when Models:Provider is 'scripted' (or configure a model endpoint: Models:Provider 'openai', or AGENTMESH_MODEL_ENDPOINT / AGENTMESH_MODEL).");
            }
            else if (!File.Exists(options.Cassette))
            {
                failures.Add($"Models:Cassette file '{options.Cassette}' does not exist.");
            }
        }
        else if (string.Equals(options.Provider, ModelProviderOptions.OpenAI, StringComparison.OrdinalIgnoreCase))
        {
            ValidateEndpoint("Models:Default", options.Default, failures);
            foreach (var role in options.Roles.Keys)
            {
                ValidateEndpoint($"Models:Roles:{role}", options.ResolveEndpoint(role), failures);
            }
        }
        else
        {
            failures.Add($"Models:Provider must be 'scripted' or 'openai', not '{options.Provider}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateEndpoint(string section, ModelEndpointOptions endpoint, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(endpoint.Model))
        {
            failures.Add($"{section}:Model is required when Models:Provider is 'openai' (Models:Default:Model or AGENTMESH_MODEL for all roles).");
        }

        if (endpoint.Endpoint is not null
            && !(Uri.TryCreate(endpoint.Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"{section}:Endpoint '{endpoint.Endpoint}' is not an absolute http(s) URL.");
        }

        if (endpoint.Endpoint is null && string.IsNullOrEmpty(endpoint.ApiKey))
        {
            failures.Add($"{section}:ApiKey is required for api.openai.com ({section}:Endpoint is not set); set it, AGENTMESH_MODEL_API_KEY or OPENAI_API_KEY.");
        }
    }
}
