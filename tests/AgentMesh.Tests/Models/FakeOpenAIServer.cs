using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.Models;

/// <summary>
/// A FAKE OpenAI-compatible chat completions server on real Kestrel (127.0.0.1, port 0): no model endpoint
/// can run here. It records each request (path, headers, JSON body) and answers with <see cref="NextResponse"/>.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOpenAIServer(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The chat.completion JSON body returned for the next requests.</summary>
    public string NextResponse { get; set; } = CompletionJson("hello", toolCallsJson: null);

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAIServer(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            server.Requests.Enqueue(new RecordedRequest(
                context.Request.Path.Value!,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body.RootElement.Clone()));
            return Results.Text(server.NextResponse, "application/json");
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    public static string CompletionJson(string? text, string? toolCallsJson, string finishReason = "stop") => $$"""
        {
          "id": "chatcmpl-123",
          "object": "chat.completion",
          "created": 1767225600,
          "model": "fake-model-2026",
          "choices": [ {
            "index": 0,
            "message": { "role": "assistant", "content": {{(text is null ? "null" : JsonSerializer.Serialize(text))}}{{(toolCallsJson is null ? string.Empty : $", \"tool_calls\": {toolCallsJson}")}} },
            "finish_reason": "{{finishReason}}"
          } ],
          "usage": { "prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150 }
        }
        """;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    public sealed record RecordedRequest(string Path, IReadOnlyDictionary<string, string> Headers, JsonElement Body);
}
