using AgentMesh.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

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
        using var services = Build(new()
        {
            ["Models:Provider"] = "scripted",
            ["Models:Cassette"] = cassette,
            ["Models:Variables:WORKSPACE"] = "/ws",
            ["AGENTMESH_MODEL"] = "ignored-because-provider-is-explicit",
        });
        var provider = services.GetRequiredService<IChatClientProvider>();
        var client = provider.GetChatClient("writer");
        Assert.IsType<CassetteChatClient>(client);
        Assert.Same(client, provider.GetChatClient("researcher"));
        var response = await client.GetResponseAsync("x", CassetteChatClientTests.Tagged("writer", null, 1));
        Assert.Equal("/ws", response.Messages[0].Contents.OfType<FunctionCallContent>().Single().Arguments!["p"]!.ToString());
    }

    [Fact]
    public void Environment_variables_switch_to_openai_with_per_role_overrides()
    {
        using var services = Build(new()
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
        var provider = services.GetRequiredService<IChatClientProvider>();

        var researcher = provider.GetChatClient("researcher").GetService<ChatClientMetadata>()!;
        Assert.Equal("llama3", researcher.DefaultModelId);
        Assert.Equal("http://127.0.0.1:11434/v1", researcher.ProviderUri!.ToString());
        Assert.Equal("writer-model", provider.GetChatClient("WRITER").GetService<ChatClientMetadata>()!.DefaultModelId);
        var reviewer = provider.GetChatClient("reviewer").GetService<ChatClientMetadata>()!;
        Assert.Equal("llama3", reviewer.DefaultModelId);
        Assert.Equal("res.openai.azure.com", reviewer.ProviderUri!.Host);
        Assert.Equal("api-key", options.ResolveEndpoint("reviewer").ApiKeyHeader);
    }

    [Fact]
    public void Record_wraps_the_client()
    {
        var record = Path.Combine(_folder, "rec", "new.json");
        using var services = Build(new()
        {
            ["Models:Provider"] = "openai",
            ["Models:Default:Endpoint"] = "http://127.0.0.1:1/v1",
            ["Models:Default:Model"] = "m",
            ["Models:Record"] = record,
        });
        var client = Assert.IsType<RecordingChatClient>(services.GetRequiredService<IChatClientProvider>().GetChatClient("researcher"));
        Assert.Equal(record, client.CassettePath);
        Assert.NotNull(client.GetService<OpenAICompatibleChatClient>());
    }

    [Theory]
    [InlineData("Models:Cassette is required", "Models:Provider", "scripted")]
    [InlineData("Models:Provider must be 'scripted' or 'openai', not 'bogus'", "Models:Provider", "bogus")]
    [InlineData("Models:Default:Model is required", "Models:Provider", "openai")]
    [InlineData("Models:Cassette file", "Models:Cassette", "/nonexistent/cassette.json")]
    public void Invalid_settings_fail_at_start_with_the_setting_named(string expected, string key, string value)
    {
        using var services = Build(new() { [key] = value, ["Models:Default:Endpoint"] = "http://127.0.0.1:1/v1" });
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IChatClientProvider>());
        Assert.Contains(expected, ex.Message);
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

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddModelProviders(configuration).BuildServiceProvider();
    }
}
