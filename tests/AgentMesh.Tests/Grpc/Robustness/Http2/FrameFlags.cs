namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>HTTP/2 frame flags; their meaning depends on the frame type (ACK shares bit 0x1 with END_STREAM).</summary>
[Flags]
public enum FrameFlags : byte
{
    None = 0x0,
    EndStream = 0x1,
    Ack = 0x1,
    EndHeaders = 0x4,
    Padded = 0x8,
    Priority = 0x20,
}
