using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AgentMesh.Tests.Grpc.Client;

/// <summary>
/// A minimal HTTP/2 (h2c, prior knowledge) server on 127.0.0.1 that speaks just enough of RFC 9113
/// to watch a client's connection: it sends its SETTINGS, acknowledges the client's SETTINGS and
/// PINGs, counts the PINGs, and answers each request with a Trailers-Only UNIMPLEMENTED response,
/// or leaves it open when <c>answerCalls</c> is false.
/// </summary>
public sealed class RawHttp2Server : IAsyncDisposable
{
    private const byte Data = 0x0, Headers = 0x1, Settings = 0x4, Ping = 0x6;
    private const byte Ack = 0x1, EndStream = 0x1, EndHeaders = 0x4;
    private static readonly byte[] ClientPreface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly bool _answerCalls;
    private readonly Task _accepting;
    private int _pings;
    private int _requests;
    private int _connections;

    public RawHttp2Server(bool answerCalls)
    {
        _answerCalls = answerCalls;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Pings => Volatile.Read(ref _pings);

    public int Requests => Volatile.Read(ref _requests);

    public int Connections => Volatile.Read(ref _connections);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _accepting.ContinueWith(_ => { });
    }

    private async Task AcceptAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _connections);
                connections.Add(ServeAsync(client));
            }
        }
        catch (SocketException) when (!_listener.Server.IsBound)
        {
            // stopped
        }
        catch (ObjectDisposedException)
        {
            // stopped
        }

        await Task.WhenAll(connections).ContinueWith(_ => { });
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var preface = new byte[ClientPreface.Length];
        await stream.ReadExactlyAsync(preface);
        if (!preface.AsSpan().SequenceEqual(ClientPreface))
        {
            throw new InvalidDataException("not an HTTP/2 client preface");
        }

        await WriteFrameAsync(stream, Settings, 0, 0, Array.Empty<byte>());
        var header = new byte[9];
        while (true)
        {
            try
            {
                await stream.ReadExactlyAsync(header);
            }
            catch (Exception e) when (e is EndOfStreamException or IOException)
            {
                return; // the client closed the connection
            }

            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var (type, flags) = (header[3], header[4]);
            var streamId = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF;
            var payload = new byte[length];
            await stream.ReadExactlyAsync(payload);
            switch (type)
            {
                case Settings when (flags & Ack) == 0:
                    await WriteFrameAsync(stream, Settings, Ack, 0, Array.Empty<byte>());
                    break;
                case Ping when (flags & Ack) == 0:
                    Interlocked.Increment(ref _pings);
                    await WriteFrameAsync(stream, Ping, Ack, 0, payload);
                    break;
                case Headers:
                    Interlocked.Increment(ref _requests);
                    if (_answerCalls)
                    {
                        await WriteFrameAsync(stream, Headers, EndStream | EndHeaders, streamId, TrailersOnlyUnimplemented());
                    }

                    break;
                case Data:
                    break;
            }
        }
    }

    /// <summary>HPACK block of <c>:status 200</c>, <c>content-type: application/grpc</c>, <c>grpc-status: 12</c> (literals, no Huffman).</summary>
    private static byte[] TrailersOnlyUnimplemented()
    {
        var block = new List<byte> { 0x88 }; // indexed :status 200
        foreach (var (name, value) in new[] { ("content-type", "application/grpc"), ("grpc-status", "12") })
        {
            block.Add(0x00); // literal without indexing, new name
            block.Add((byte)name.Length);
            block.AddRange(Encoding.ASCII.GetBytes(name));
            block.Add((byte)value.Length);
            block.AddRange(Encoding.ASCII.GetBytes(value));
        }

        return block.ToArray();
    }

    private static async Task WriteFrameAsync(NetworkStream stream, byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), streamId);
        payload.CopyTo(frame, 9);
        await stream.WriteAsync(frame);
    }
}
