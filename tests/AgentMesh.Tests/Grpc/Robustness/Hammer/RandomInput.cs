using System.Buffers.Binary;
using AgentMesh.Tests.Grpc.Protos;
using AgentMesh.Tests.Grpc.Robustness.Http2;
using Google.Protobuf;

namespace AgentMesh.Tests.Grpc.Robustness.Hammer;

/// <summary>Random calls, mutations of calls, and random frames, all drawn from one seeded <see cref="Random"/>.</summary>
internal sealed class RandomInput(Random random)
{
    private static readonly string[] Paths = [RawGrpc.Unary, RawGrpc.ServerStream, RawGrpc.ClientStream, RawGrpc.Duplex];

    private static readonly Http2SettingId[] HarmlessSettings =
    [
        Http2SettingId.EnablePush, Http2SettingId.MaxConcurrentStreams, Http2SettingId.MaxFrameSize, Http2SettingId.MaxHeaderListSize,
        (Http2SettingId)0x99,
    ];

    /// <summary>A well-formed call (gzip-compressed messages now and then) with the replies it must get.</summary>
    public HammerCall ValidCall(Http2Connection connection)
    {
        var path = Paths[random.Next(Paths.Length)];
        var streaming = path is RawGrpc.ClientStream or RawGrpc.Duplex;
        var gzip = random.Next(4) == 0;
        var requests = Enumerable.Range(0, streaming ? random.Next(4) : 1)
            .Select(_ => new EchoRequest
            {
                Message = Text(random.Next(20)),
                Count = random.Next(4),
                Payload = ByteString.CopyFrom(Bytes(random.Next(4) == 0 ? random.Next(5000) : random.Next(50))),
            })
            .ToList();
        var compressed = requests.Select(_ => gzip && random.Next(2) == 0).ToList();
        var body = requests
            .SelectMany((request, i) => compressed[i] ? RawGrpc.Message(GrpcFrames.Gzip(request.ToByteArray()), compressedFlag: 1) : RawGrpc.Message(request))
            .ToArray();
        var headers = RawGrpc.Headers(connection, path, gzip ? [("grpc-encoding", "gzip")] : []);
        var expected = path switch
        {
            RawGrpc.Unary or RawGrpc.Duplex => requests.Select(request => request.Message).ToArray(),
            RawGrpc.ServerStream => Enumerable.Repeat(requests[0].Message, requests[0].Count).ToArray(),
            // The client-streaming echo marks each part that arrived compressed.
            _ => [string.Join(",", requests.Select((request, i) => compressed[i] ? request.Message + ":gz" : request.Message))],
        };
        return new HammerCall(path, headers, body, ChunkSize(), EndStream: true, expected);
    }

    /// <summary>The call with one thing broken: its bytes, its framing, its END_STREAM, or its headers.</summary>
    public HammerCall Mutate(HammerCall call)
    {
        var body = call.Body.ToArray();
        var headers = call.Headers.ToList();
        var endStream = true;
        switch (random.Next(10))
        {
            case 0 when body.Length > 0:
                for (var i = random.Next(1, 6); i > 0; i--)
                {
                    body[random.Next(body.Length)] = (byte)random.Next(256);
                }

                break;
            case 1 when body.Length > 0:
                body = body[..random.Next(body.Length)];
                break;
            case 2:
                body = [.. body, .. Bytes(random.Next(1, 20))];
                break;
            case 3 when body.Length >= 5:
                body[0] = (byte)random.Next(256);
                break;
            case 4 when body.Length >= 5:
                BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1, 4), random.Next(2) == 0 ? (uint)random.Next(64) : (uint)random.NextInt64(uint.MaxValue));
                break;
            case 5:
                endStream = false;
                break;
            case 6:
                headers.RemoveAt(random.Next(headers.Count));
                break;
            case 7:
                var index = random.Next(headers.Count);
                headers[index] = (headers[index].Name, Junk(random.Next(30)));
                break;
            case 8:
                headers.Add(random.Next(4) switch
                {
                    0 => ("grpc-timeout", Junk(random.Next(12))),
                    1 => ("grpc-encoding", random.Next(2) == 0 ? Junk(random.Next(8)) : "deflate"),
                    2 => ("x-junk-bin", Junk(random.Next(40))),
                    _ => (Junk(random.Next(1, 12)), Junk(random.Next(40))),
                });
                break;
            default:
                body = Bytes(random.Next(200));
                break;
        }

        return call with { Headers = headers, Body = body, EndStream = endStream, ExpectedReplies = null };
    }

    /// <summary>
    /// A frame of random type (known or not), flags, stream id and payload, now and then with a length
    /// field that lies. SETTINGS leave HEADER_TABLE_SIZE and INITIAL_WINDOW_SIZE alone: legal values of
    /// those would only stall or confuse this test client, not test the server.
    /// </summary>
    public byte[] Frame(int recentStreamId)
    {
        var type = random.Next(12) switch
        {
            10 => (FrameType)random.Next(10, 256),
            11 => FrameType.Data,
            var known => (FrameType)known,
        };
        var streamId = random.Next(5) switch
        {
            0 => 0,
            1 => recentStreamId,
            2 => recentStreamId + 2,
            3 => random.Next(1, 1000),
            _ => random.Next(),
        };
        var payload = type == FrameType.Settings && random.Next(4) != 0
            ? Http2Frames.Settings(Enumerable.Range(0, random.Next(4))
                .Select(_ => (HarmlessSettings[random.Next(HarmlessSettings.Length)], (uint)random.NextInt64(uint.MaxValue)))
                .ToArray()).Payload
            : Bytes(random.Next(3) == 0 ? 0 : random.Next(64));
        var frame = new Http2Frame(type, (FrameFlags)random.Next(256), streamId, payload);
        return frame.Encode(random.Next(10) == 0 ? random.Next(1 << 24) : null);
    }

    /// <summary>Frame size: mostly tiny, sometimes up to the frame limit.</summary>
    private int ChunkSize() => random.Next(3) switch
    {
        0 => random.Next(1, 8),
        1 => random.Next(1, 300),
        _ => Http2Connection.MaxFrameSize,
    };

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private string Text(int length) => new(Enumerable.Range(0, length).Select(_ => (char)random.Next('a', 'z' + 1)).ToArray());

    /// <summary>Random Latin-1 characters, control characters included.</summary>
    private string Junk(int length) => new(Enumerable.Range(0, length).Select(_ => (char)random.Next(256)).ToArray());
}
