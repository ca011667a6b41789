namespace AgentMesh.Grpc;

/// <summary>Flags that change how one message is written (grpc/doc/compression.md, "Specific Disabling of Compression").</summary>
[Flags]
public enum WriteFlags
{
    /// <summary>Compress when the call compresses, flush after the write.</summary>
    None = 0,

    /// <summary>Do not flush after this write: the message goes out with a later write or at the end of the stream.</summary>
    BufferHint = 1,

    /// <summary>Send this message uncompressed (compressed flag 0) even when the call compresses its messages.</summary>
    NoCompress = 2,
}

/// <summary>How messages are written; applies to every following write until replaced.</summary>
/// <param name="Flags">See <see cref="WriteFlags"/>.</param>
public sealed record WriteOptions(WriteFlags Flags = WriteFlags.None);
