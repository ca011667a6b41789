using Google.Protobuf;
using Grpc.Testing;

namespace AgentMesh.Interop;

/// <summary>The payloads of the interop tests: bodies of zeros, type COMPRESSABLE.</summary>
internal static class Payloads
{
    /// <summary>A COMPRESSABLE payload of <paramref name="size"/> zero bytes.</summary>
    public static Payload Zeros(int size) => new()
    {
        Type = PayloadType.Compressable,
        Body = UnsafeByteOperations.UnsafeWrap(new byte[size]),
    };

    /// <summary>True when <paramref name="payload"/> is COMPRESSABLE and holds exactly <paramref name="size"/> zero bytes.</summary>
    public static bool IsZeros(Payload? payload, int size)
        => payload is { Type: PayloadType.Compressable } && payload.Body.Length == size && !payload.Body.Span.ContainsAnyExcept((byte)0);
}
