using Microsoft.Extensions.Options;

namespace AgentMesh.Models;

/// <summary>Start-up validation of <see cref="ModelProviderOptions"/>; every message names the setting.</summary>
public sealed class ModelProviderOptionsValidator : IValidateOptions<ModelProviderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ModelProviderOptions options)
    {
        var failures = new List<string>();
        if (options.IsProvider(ModelProviderOptions.Scripted))
        {
            ValidateCassette(options, failures);
            foreach (var role in options.Roles.Keys)
            {
                Resolve(options, role, failures);
            }
        }
        else if (options.IsProvider(ModelProviderOptions.OpenAI) || options.IsProvider(ModelProviderOptions.Azure))
        {
            var azure = options.IsProvider(ModelProviderOptions.Azure);
            ValidateEndpoint("Models:Default", options.Default, azure, failures);
            foreach (var tier in options.Tiers.Keys)
            {
                ValidateEndpoint($"Models:Tiers:{tier}", options.ResolveEndpoint("", tier), azure, failures);
            }

            foreach (var role in options.Roles.Keys)
            {
                if (Resolve(options, role, failures) is { } endpoint)
                {
                    ValidateEndpoint($"Models:Roles:{role}", endpoint, azure, failures);
                }
            }
        }
        else
        {
            failures.Add($"Models:Provider must be 'scripted', 'openai' or 'azure', not '{options.Provider}'.");
        }

        if (options.MaxRetryDelay <= TimeSpan.Zero)
        {
            failures.Add($"Models:MaxRetryDelay must be more than 0, not {options.MaxRetryDelay}.");
        }

        foreach (var (model, price) in options.Prices)
        {
            if (price is null || price.Input < 0 || price.Output < 0 || price.CachedInput < 0
                || !double.IsFinite(price.Input) || !double.IsFinite(price.Output) || price.CachedInput is { } c && !double.IsFinite(c))
            {
                failures.Add($"Models:Prices:{model} must give Input, Output and optionally CachedInput as US dollars per 1M tokens, each 0 or more.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The role's endpoint, or null after adding a failure when its tier is not configured.</summary>
    private static ModelEndpointOptions? Resolve(ModelProviderOptions options, string role, List<string> failures)
    {
        try
        {
            return options.ResolveEndpoint(role);
        }
        catch (ArgumentException e)
        {
            failures.Add($"Models:Roles:{role}:Tier: {e.Message}");
            return null;
        }
    }

    private static void ValidateCassette(ModelProviderOptions options, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(options.Cassette))
        {
            failures.Add("Models:Cassette is required when Models:Provider is 'scripted' (or configure a model endpoint: Models:Provider 'openai' or 'azure', or AGENTMESH_MODEL_ENDPOINT / AGENTMESH_MODEL).");
        }
        else if (!File.Exists(options.Cassette))
        {
            failures.Add($"Models:Cassette file '{options.Cassette}' does not exist.");
        }
    }

    private static void ValidateEndpoint(string section, ModelEndpointOptions endpoint, bool azure, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(endpoint.Model))
        {
            failures.Add(azure
                ? $"{section}:Model is required when Models:Provider is 'azure': the deployment name (Models:Default:Model or AGENTMESH_MODEL for all roles)."
                : $"{section}:Model is required when Models:Provider is 'openai' (Models:Default:Model or AGENTMESH_MODEL for all roles).");
        }

        if (endpoint.Endpoint is not null
            && !(Uri.TryCreate(endpoint.Endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            failures.Add($"{section}:Endpoint '{endpoint.Endpoint}' is not an absolute http(s) URL.");
        }

        if (azure)
        {
            if (endpoint.Endpoint is null)
            {
                failures.Add($"{section}:Endpoint is required when Models:Provider is 'azure': the resource URL, e.g. https://<resource>.openai.azure.com/ (or AGENTMESH_MODEL_ENDPOINT).");
            }

            if (endpoint.ApiKeyHeader is not null)
            {
                failures.Add($"{section}:ApiKeyHeader must be unset when Models:Provider is 'azure' (the Azure OpenAI client sends the key in 'api-key'; check AGENTMESH_MODEL_API_KEY_HEADER).");
            }
        }
        else if (endpoint.Endpoint is null && string.IsNullOrEmpty(endpoint.ApiKey))
        {
            failures.Add($"{section}:ApiKey is required for api.openai.com ({section}:Endpoint is not set); set it, AGENTMESH_MODEL_API_KEY or OPENAI_API_KEY.");
        }
    }
}
