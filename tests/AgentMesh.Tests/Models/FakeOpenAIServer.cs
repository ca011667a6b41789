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
/// A FAKE OpenAI-compatible chat completions server on real Kestrel (127.0.0.1, port 0), a stand-in for a real
/// model endpoint because none is reachable from here. It records each request (path, query, headers, JSON body,
/// arrival time) and answers with the next of <see cref="Replies"/>, or <see cref="DefaultReply"/> when none is queued.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOpenAIServer(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers for the next requests, in order.</summary>
    public ConcurrentQueue<FakeOpenAIReply> Replies { get; } = new();

    /// <summary>The answer once <see cref="Replies"/> is empty.</summary>
    public FakeOpenAIReply DefaultReply { get; set; } = FakeOpenAIReply.Completion("hello");

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every answer waits for this task first (e.g. until a test's watcher is connected). Default: completed.</summary>
    public Task ReplyGate { get; set; } = Task.CompletedTask;

    public static async Task<FakeOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeOpenAIServer(app);
        app.MapPost("/{**path}", server.AnswerAsync);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        Requests.Enqueue(new RecordedRequest(
            context.Request.Path.Value!,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.RootElement.Clone(),
            TimeProvider.System.GetUtcNow()));

        await ReplyGate.WaitAsync(context.RequestAborted);
        var reply = Replies.TryDequeue(out var next) ? next : DefaultReply;
        context.Response.StatusCode = reply.StatusCode;
        context.Response.ContentType = reply.ContentType;
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        foreach (var part in reply.BodyParts)
        {
            await context.Response.WriteAsync(part, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    public sealed record RecordedRequest(string Path, string Query, IReadOnlyDictionary<string, string> Headers, JsonElement Body, DateTimeOffset ReceivedAt);
}
