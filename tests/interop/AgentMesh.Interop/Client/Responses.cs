using AgentMesh.Grpc;
using Grpc.Testing;

namespace AgentMesh.Interop.Client;

/// <summary>Reading and checking responses in interop cases; a mismatch throws <see cref="InteropFailure"/>.</summary>
internal static class Responses
{
    /// <summary>Every remaining message of <paramref name="stream"/>.</summary>
    public static async Task<List<T>> ReadAllAsync<T>(IAsyncStreamReader<T> stream)
    {
        var messages = new List<T>();
        while (await stream.MoveNext())
        {
            messages.Add(stream.Current);
        }

        return messages;
    }

    /// <summary>Fails unless <paramref name="payload"/> is COMPRESSABLE with <paramref name="size"/> zero bytes.</summary>
    public static void ExpectPayload(Payload? payload, int size, string what)
        => InteropFailure.Unless(Payloads.IsZeros(payload, size),
            $"{what}: expected a COMPRESSABLE payload of {size} zero bytes, got "
            + (payload is null ? "none." : $"{payload.Type} with {payload.Body.Length} bytes."));

    /// <summary>Fails unless the responses' payloads have exactly <paramref name="sizes"/>, in order.</summary>
    public static void ExpectPayloads(IReadOnlyList<StreamingOutputCallResponse> responses, IReadOnlyList<int> sizes, string what)
    {
        InteropFailure.Unless(responses.Count == sizes.Count, $"{what}: expected {sizes.Count} responses, got {responses.Count}.");
        for (var i = 0; i < sizes.Count; i++)
        {
            ExpectPayload(responses[i].Payload, sizes[i], $"{what} response {i + 1}");
        }
    }
}
