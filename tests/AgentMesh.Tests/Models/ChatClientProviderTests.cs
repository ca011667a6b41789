using AgentMesh.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentMesh.Tests.Models;

public sealed class ChatClientProviderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("agentmesh-provider-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Scripted_provider_replays_the_configured_cassette_for_every_role()
    {
        var cassette = Path.Combine(_folder, "c.json");
        File.WriteAllText(cassette, """{ "version": 1, "exchanges": [ { "role": "writer", "turn": 1, "response": { "toolCalls": [ { "id": "1", "name": "t", "arguments": { "p": "${WORKSPACE}" } } ] } } ] }""");
        using var services = ModelProviderServices.Build(new()
        {
            ["Models:Provider"] = "scripted",
            ["Models:Cassette"] = cassette,
            ["Models:Variables:WORKSPACE"] = "/ws",
            ["AGENTMESH_MODEL"] = "ignored-because-provider-is-explicit",
        });
        var client = services.ChatClient("writer");
        Assert.NotNull(client.GetService<CassetteChatClient>());
        Assert.NotNull(client.GetService<LoggingChatClient>());
        Assert.Same(client, services.ChatClient("researcher"));
        var response = await client.GetResponseAsync("x", CassetteChatClientTests.Tagged("writer", null, 1));
        Assert.Equal("/ws", response.Messages[0].Contents.OfType<FunctionCallContent>().Single().Arguments!["p"]!.ToString());
    }

    [Fact]
    public void Environment_variables_switch_to_openai_with_per_role_overrides()
    {
        using var services = ModelProviderServices.Build(new()
        {
            ["AGENTMESH_MODEL_ENDPOINT"] = "http://127.0.0.1:11434/v1",
            ["AGENTMESH_MODEL"] = "llama3",
            ["Models:Roles:writer:Model"] = "writer-model",
            ["Models:Roles:reviewer:Endpoint"] = "https://res.openai.azure.com/openai/v1/",
            ["Models:Roles:reviewer:ApiKeyHeader"] = "api-key",
            ["Models:Roles:reviewer:ApiKey"] = "k",
        });
        var options = services.GetRequiredService<IOptions<ModelProviderOptions>>().Value;
        Assert.Equal("openai", options.Provider);

        var researcher = services.ChatClient("researcher");
        Assert.NotNull(researcher.GetService<OpenAI.Chat.ChatClient>());
        Assert.NotNull(researcher.GetService<LoggingChatClient>());
        var metadata = researcher.GetService<ChatClientMetadata>()!;
        Assert.Equal("llama3", metadata.DefaultModelId);
        Assert.Equal("http://127.0.0.1:11434/v1", metadata.ProviderUri!.ToString().TrimEnd('/'));
        Assert.Equal("writer-model", services.ChatClient("WRITER").GetService<ChatClientMetadata>()!.DefaultModelId);
        var reviewer = services.ChatClient("reviewer").GetService<ChatClientMetadata>()!;
        Assert.Equal("llama3", reviewer.DefaultModelId);
        Assert.Equal("res.openai.azure.com", reviewer.ProviderUri!.Host);
        Assert.Equal("api-key", options.ResolveEndpoint("reviewer").ApiKeyHeader);
    }

    [Fact]
    public void Azure_provider_gives_each_role_its_deployment_and_ignores_OPENAI_API_KEY()
    {
        using var services = ModelProviderServices.Build(new()
        {
            ["Models:Provider"] = "azure",
            ["AGENTMESH_MODEL_ENDPOINT"] = "https://res.openai.azure.com/",
            ["AGENTMESH_MODEL"] = "gpt-4o-deployment",
            ["OPENAI_API_KEY"] = "sk-not-for-azure",
            ["Models:Roles:writer:Model"] = "writer-deployment",
            ["Models:Roles:writer:ApiKey"] = "azure-key",
        });
        var options = services.GetRequiredService<IOptions<ModelProviderOptions>>().Value;
        Assert.Null(options.Default.ApiKey);

        var writer = services.ChatClient("writer");
        Assert.Equal("Azure.AI.OpenAI.Chat", writer.GetService<OpenAI.Chat.ChatClient>()!.GetType().Namespace);
        Assert.Equal("writer-deployment", writer.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Equal("gpt-4o-deployment", services.ChatClient("researcher").GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void Record_wraps_the_client()
    {
        var record = Path.Combine(_folder, "rec", "new.json");
        using var services = ModelProviderServices.Build(new()
        {
            ["Models:Provider"] = "openai",
            ["Models:Default:Endpoint"] = "http://127.0.0.1:1/v1",
            ["Models:Default:Model"] = "m",
            ["Models:Record"] = record,
        });
        var client = services.ChatClient();
        Assert.Equal(record, client.GetService<RecordingChatClient>()!.CassettePath);
        Assert.NotNull(client.GetService<OpenAI.Chat.ChatClient>());
    }

    [Theory]
    [InlineData("Models:Cassette is required", "Models:Provider", "scripted")]
    [InlineData("Models:Provider must be 'scripted', 'openai' or 'azure', not 'bogus'", "Models:Provider", "bogus")]
    [InlineData("Models:Default:Model is required when Models:Provider is 'openai'", "Models:Provider", "openai")]
    [InlineData("Models:Default:Model is required when Models:Provider is 'azure': the deployment name", "Models:Provider", "azure")]
    [InlineData("Models:Cassette file", "Models:Cassette", "/nonexistent/cassette.json")]
    public void Invalid_settings_fail_at_start_with_the_setting_named(string expected, string key, string value)
    {
        using var services = ModelProviderServices.Build(new() { [key] = value, ["Models:Default:Endpoint"] = "http://127.0.0.1:1/v1" });
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IChatClientProvider>());
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Azure_needs_an_endpoint_and_takes_no_key_header()
    {
        var options = new ModelProviderOptions { Provider = "azure", Default = new ModelEndpointOptions { Model = "deployment", ApiKeyHeader = "api-key" } };
        var result = new ModelProviderOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Models:Default:Endpoint is required when Models:Provider is 'azure'", result.FailureMessage);
        Assert.Contains("Models:Default:ApiKeyHeader must be unset when Models:Provider is 'azure'", result.FailureMessage);

        options.Default.Endpoint = "https://res.openai.azure.com/";
        options.Default.ApiKeyHeader = null;
        Assert.True(new ModelProviderOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Openai_without_endpoint_needs_a_key()
    {
        var options = new ModelProviderOptions { Provider = "openai", Default = new ModelEndpointOptions { Model = "gpt" } };
        var result = new ModelProviderOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Models:Default:ApiKey is required", result.FailureMessage);

        ModelProviderEnvironment.Apply(options, name => name == "OPENAI_API_KEY" ? "sk-env" : null);
        Assert.Equal("sk-env", options.Default.ApiKey);
        Assert.True(new ModelProviderOptionsValidator().Validate(null, options).Succeeded);
    }
}
