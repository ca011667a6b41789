using AgentMesh.Grpc;
using Grpc.Testing;

namespace AgentMesh.Interop.Server;

/// <summary>The interop server's CompressedResponse and CompressedRequest features.</summary>
internal static class CompressionFeatures
{
    private static readonly WriteOptions Compressed = new();
    private static readonly WriteOptions Uncompressed = new(WriteFlags.NoCompress);

    /// <summary>
    /// Announces gzip for the call's responses (when the client accepts it). Streaming calls announce
    /// it up front and then pick the compressed flag per message with <see cref="CompressNext"/>.
    /// </summary>
    public static void UseGzip(ServerCallContext context)
        => context.ResponseCompressionEncoding = "gzip";

    /// <summary>Sends the next message on <paramref name="stream"/> compressed or not.</summary>
    public static void CompressNext<T>(IServerStreamWriter<T> stream, bool compress)
        => stream.WriteOptions = compress ? Compressed : Uncompressed;

    /// <summary>
    /// CompressedRequest: fails the call with INVALID_ARGUMENT when the last request message's
    /// compressed flag contradicts <c>expect_compressed</c>; nothing when it is unset.
    /// </summary>
    public static void CheckRequestCompression(BoolValue? expected, ServerCallContext context)
    {
        if (expected is null || expected.Value == context.RequestMessageCompressed)
        {
            return;
        }

        throw new RpcException(StatusCode.InvalidArgument, expected.Value
            ? "expect_compressed is true but the request message arrived uncompressed (compressed flag 0)."
            : "expect_compressed is false but the request message arrived compressed (compressed flag 1).");
    }
}
