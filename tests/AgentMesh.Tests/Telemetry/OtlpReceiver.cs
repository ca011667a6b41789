using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentMesh.Tests.Telemetry;

/// <summary>
/// A real OTLP/HTTP endpoint for tests: accepts <c>POST /v1/traces</c> (protobuf <c>ExportTraceServiceRequest</c>, as the
/// OpenTelemetry .NET exporter sends with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>) and keeps each span's service,
/// name and trace id, read from the wire format by field number (opentelemetry-proto: ResourceSpans 1 → Resource 1 →
/// attributes 1; ScopeSpans 2 → Span 2 → trace_id 1, name 5).
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Service, string Name, string TraceId)> Spans { get; } = new();

    public string Endpoint { get; private set; } = "";

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver.Read(body.ToArray());
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        receiver.Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return receiver;
    }

    private void Read(byte[] request)
    {
        foreach (var resourceSpans in Fields(request, 1))
        {
            var service = Fields(resourceSpans, 1).SelectMany(resource => Fields(resource, 1))
                .Select(KeyValue).FirstOrDefault(kv => kv.Key == "service.name").Value ?? "";
            foreach (var span in Fields(resourceSpans, 2).SelectMany(scopeSpans => Fields(scopeSpans, 2)))
            {
                var traceId = Convert.ToHexStringLower(Fields(span, 1).FirstOrDefault() ?? []);
                var name = System.Text.Encoding.UTF8.GetString(Fields(span, 5).FirstOrDefault() ?? []);
                Spans.Enqueue((service, name, traceId));
            }
        }
    }

    /// <summary>A KeyValue's key and, when it is one, its string value (AnyValue.string_value = 1).</summary>
    private static (string Key, string? Value) KeyValue(byte[] keyValue)
    {
        var key = System.Text.Encoding.UTF8.GetString(Fields(keyValue, 1).FirstOrDefault() ?? []);
        var value = Fields(keyValue, 2).SelectMany(any => Fields(any, 1)).Select(System.Text.Encoding.UTF8.GetString).FirstOrDefault();
        return (key, value);
    }

    /// <summary>The length-delimited fields numbered <paramref name="number"/> of a protobuf message; other fields are skipped.</summary>
    private static IEnumerable<byte[]> Fields(byte[] message, int number)
    {
        var input = new CodedInputStream(message);
        var found = new List<byte[]>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == number && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                found.Add(input.ReadBytes().ToByteArray());
            else
                input.SkipLastField();
        }

        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
