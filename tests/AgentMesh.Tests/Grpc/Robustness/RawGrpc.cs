using System.Buffers.Binary;
using System.Globalization;
using AgentMesh.Grpc;
using AgentMesh.Tests.Grpc.Robustness.Http2;
using Google.Protobuf;

namespace AgentMesh.Tests.Grpc.Robustness;

/// <summary>gRPC over a raw <see cref="Http2Connection"/>: request headers, Length-Prefixed-Messages, and the status of a response.</summary>
public static class RawGrpc
{
    public const string Unary = "/agentmesh.test.Echo/Unary";
    public const string ServerStream = "/agentmesh.test.Echo/ServerStream";
    public const string ClientStream = "/agentmesh.test.Echo/ClientStream";
    public const string Duplex = "/agentmesh.test.Echo/Duplex";

    /// <summary>The request headers of a gRPC call to <paramref name="path"/>, then <paramref name="extra"/>.</summary>
    public static List<(string Name, string Value)> Headers(Http2Connection connection, string path, params (string Name, string Value)[] extra)
        =>
        [
            (":method", "POST"), (":scheme", "http"), (":authority", connection.Authority), (":path", path),
            ("content-type", "application/grpc"), ("te", "trailers"), .. extra,
        ];

    /// <summary>A Length-Prefixed-Message; <paramref name="declaredLength"/> replaces the true length in the prefix.</summary>
    public static byte[] Message(byte[] payload, byte compressedFlag = 0, uint? declaredLength = null)
    {
        var bytes = GrpcFrames.Frame(payload, compressedFlag);
        if (declaredLength is { } length)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1, 4), length);
        }

        return bytes;
    }

    public static byte[] Message(IMessage message) => GrpcFrames.Frame(message);

    /// <summary>
    /// Sends a whole call: HEADERS, then <paramref name="body"/> in DATA frames of at most
    /// <paramref name="chunkSize"/> octets with END_STREAM on the last (END_STREAM on HEADERS when the body is empty).
    /// </summary>
    public static async Task<Http2Stream> CallAsync(Http2Connection connection, string path, byte[] body,
        int chunkSize = Http2Connection.MaxFrameSize, params (string Name, string Value)[] extraHeaders)
    {
        var stream = await connection.StartStreamAsync(Headers(connection, path, extraHeaders), endStream: body.Length == 0);
        if (body.Length > 0)
        {
            await connection.SendDataAsync(stream.Id, body, endStream: true, chunkSize);
        }

        return stream;
    }

    /// <summary>Waits (bounded) until the stream ended.</summary>
    public static Task EndedAsync(this Http2Stream stream) => stream.Ended.WaitAsync(EchoMethods.WaitLimit);

    /// <summary>A header from the trailers, or from the response headers (Trailers-Only); null when absent.</summary>
    public static string? Header(this Http2Stream stream, string name)
    {
        var headers = stream.ResponseHeaders.IsCompletedSuccessfully ? stream.ResponseHeaders.Result : [];
        return (stream.Trailers ?? []).Concat(headers).Where(field => field.Name == name).Select(field => field.Value).FirstOrDefault();
    }

    /// <summary>The call's grpc-status; null when there is none (e.g. the stream was reset).</summary>
    public static StatusCode? Status(this Http2Stream stream)
        => stream.Header("grpc-status") is { } value ? (StatusCode)int.Parse(value, CultureInfo.InvariantCulture) : null;

    /// <summary>The response messages in the body (gunzipped where compressed); throws when the body is not a sequence of whole messages.</summary>
    public static List<T> Messages<T>(this Http2Stream stream, MessageParser<T> parser)
        where T : IMessage<T>
        => GrpcFrames.Split(stream.Data).Select(frame => parser.ParseFrom(frame.Message)).ToList();

    /// <summary>A short description for assertion messages.</summary>
    public static string Describe(this Http2Stream stream)
        => $"stream {stream.Id}: status={stream.Status()?.ToString() ?? "none"} message='{stream.Header("grpc-message")}' "
           + $"http={stream.Header(":status")} reset={stream.ResetCode?.ToString() ?? "none"} connectionLost={stream.ConnectionLost}";
}
