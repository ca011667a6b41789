using System.Buffers;
using Grpc.Core;

namespace AgentMesh.InProcess;

/// <summary>
/// Serializes and parses messages through a method's <see cref="Marshaller{T}"/> with its contextual
/// serializer (generated code creates contextual marshallers only).
/// </summary>
internal static class Payloads
{
    public static byte[] Serialize<T>(Marshaller<T> marshaller, T message)
    {
        var context = new Serialization();
        marshaller.ContextualSerializer(message, context);
        return context.Payload ?? throw new InvalidOperationException($"The marshaller of {typeof(T).Name} completed no payload.");
    }

    public static T Deserialize<T>(Marshaller<T> marshaller, byte[] payload) => marshaller.ContextualDeserializer(new Deserialization(payload));

    private sealed class Serialization : SerializationContext
    {
        private ArrayBufferWriter<byte>? _writer;

        public byte[]? Payload { get; private set; }

        public override void Complete(byte[] payload) => Payload = payload;

        public override IBufferWriter<byte> GetBufferWriter() => _writer ??= new ArrayBufferWriter<byte>();

        public override void SetPayloadLength(int payloadLength)
        {
        }

        public override void Complete() => Payload = _writer is null ? [] : _writer.WrittenSpan.ToArray();
    }

    private sealed class Deserialization(byte[] payload) : DeserializationContext
    {
        public override int PayloadLength => payload.Length;

        public override byte[] PayloadAsNewBuffer() => (byte[])payload.Clone();

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
    }
}
