namespace AgentMesh.Tests.Grpc.Robustness.Hammer;

/// <summary>
/// One call the hammer sends: headers and body cut into frames of at most <paramref name="ChunkSize"/>
/// octets (HEADERS then CONTINUATION, DATA), END_STREAM or not, and for a well-formed call the reply messages it must get (null for a
/// mutated call, whose outcome is free as long as the server survives it).
/// </summary>
internal sealed record HammerCall(
    string Path,
    List<(string Name, string Value)> Headers,
    byte[] Body,
    int ChunkSize,
    bool EndStream,
    string[]? ExpectedReplies);
