using System.Net;
using System.Net.Http.Headers;
using static AgentMesh.Tests.Grpc.EchoMethods;

namespace AgentMesh.Tests.Grpc;

/// <summary>Sends hand-built gRPC requests over HTTP/2 cleartext (no gRPC client in between), so tests control every header and byte.</summary>
public sealed class RawGrpcClient(string address) : IDisposable
{
    private readonly HttpClient _http = new();

    /// <summary>POSTs <paramref name="content"/> to <paramref name="path"/> with <c>te: trailers</c>, <paramref name="contentType"/> and <paramref name="headers"/>.</summary>
    public async Task<HttpResponseMessage> SendAsync(string path, HttpContent content, string contentType = "application/grpc",
        Dictionary<string, string>? headers = null)
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, address + path)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        foreach (var (name, value) in headers ?? new())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await _http.SendAsync(request).WaitAsync(WaitLimit);
    }

    /// <summary>The values of header <paramref name="name"/> joined with commas, or null when absent.</summary>
    public static string? Header(HttpHeaders headers, string name)
        => headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public void Dispose() => _http.Dispose();
}
