using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net.Sockets;

namespace AgentMesh.Tests.Grpc.Robustness.Http2;

/// <summary>
/// A raw HTTP/2 cleartext client connection for tests: sends any frame or byte sequence, well-formed
/// or not, and reads the server's frames in a background loop that acknowledges SETTINGS and PING,
/// decodes header blocks (HEADERS + CONTINUATION) and hands stream frames to <see cref="Http2Stream"/>s.
/// Flow control: it advertises the largest windows, so the server never waits for it; it sends
/// without tracking the server's windows (tests stay within them, or mean to break them).
/// </summary>
public sealed class Http2Connection : IAsyncDisposable
{
    /// <summary>The server's default SETTINGS_MAX_FRAME_SIZE; larger frames are a FRAME_SIZE_ERROR.</summary>
    public const int MaxFrameSize = 16384;

    public static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, Http2Stream> _streams = new();
    private readonly ConcurrentDictionary<ulong, TaskCompletionSource> _pings = new();
    private readonly TaskCompletionSource<IReadOnlyDictionary<Http2SettingId, uint>> _settings = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<(int LastStreamId, Http2ErrorCode Code)> _goAway = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HpackDecoder _decoder = new();
    private readonly Task _readLoop;
    private int _lastStreamId = -1;
    private long _lastPing;
    private bool _closed;

    private Http2Connection(Socket socket, string authority)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Authority = authority;
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>host:port of the server, for the <c>:authority</c> pseudo-header.</summary>
    public string Authority { get; }

    /// <summary>The server's first SETTINGS frame.</summary>
    public Task<IReadOnlyDictionary<Http2SettingId, uint>> ServerSettings => _settings.Task;

    /// <summary>Completes when the server sends GOAWAY (never otherwise).</summary>
    public Task<(int LastStreamId, Http2ErrorCode Code)> GoAwayReceived => _goAway.Task;

    /// <summary>Completes when the connection is closed, by either side.</summary>
    public Task Closed => _readLoop;

    /// <summary>
    /// Connects to <paramref name="address"/> (<c>http://host:port</c>). With <paramref name="handshake"/>
    /// it sends the connection preface, SETTINGS (no push, largest initial window) and a connection
    /// WINDOW_UPDATE to the largest window; without, nothing is sent.
    /// </summary>
    public static async Task<Http2Connection> ConnectAsync(string address, bool handshake = true)
    {
        var uri = new Uri(address);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(uri.Host, uri.Port);
        var connection = new Http2Connection(socket, $"{uri.Host}:{uri.Port}");
        if (handshake)
        {
            await connection.SendRawAsync(Preface);
            await connection.SendAsync(
                Http2Frames.Settings((Http2SettingId.EnablePush, 0), (Http2SettingId.InitialWindowSize, int.MaxValue)),
                Http2Frames.WindowUpdate(0, int.MaxValue - 65535));
        }

        return connection;
    }

    /// <summary>Registers the next client stream id (1, 3, 5, …) without sending anything.</summary>
    public Http2Stream OpenStream()
    {
        var stream = new Http2Stream(Interlocked.Add(ref _lastStreamId, 2));
        _streams[stream.Id] = stream;
        if (Volatile.Read(ref _closed))
        {
            stream.OnConnectionClosed(); // the read loop already told every stream it knew of
        }

        return stream;
    }

    /// <summary>
    /// Opens a stream and sends <paramref name="headers"/> as one HEADERS frame, followed by
    /// CONTINUATION frames when the block exceeds <paramref name="fragmentSize"/> octets.
    /// </summary>
    public async Task<Http2Stream> StartStreamAsync(IEnumerable<(string Name, string Value)> headers, bool endStream, int fragmentSize = MaxFrameSize)
    {
        var block = HpackEncoder.Encode(headers);
        var frames = new List<Http2Frame>();
        await _writeLock.WaitAsync();
        try
        {
            // Stream ids must be used in increasing order: allocate under the write lock.
            var stream = OpenStream();
            var offset = 0;
            do
            {
                var fragment = block.AsSpan(offset, Math.Min(fragmentSize, block.Length - offset)).ToArray();
                var last = offset + fragment.Length == block.Length;
                frames.Add(offset == 0
                    ? Http2Frames.Headers(stream.Id, fragment, endStream, endHeaders: last)
                    : Http2Frames.Continuation(stream.Id, fragment, endHeaders: last));
                offset += fragment.Length;
            }
            while (offset < block.Length);

            await WriteAsync(frames.SelectMany(frame => frame.Encode()).ToArray());
            return stream;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends <paramref name="data"/> in DATA frames of at most <paramref name="chunkSize"/> octets; END_STREAM on the last one when asked.</summary>
    public Task SendDataAsync(int streamId, ReadOnlyMemory<byte> data, bool endStream, int chunkSize = MaxFrameSize)
    {
        var frames = new List<Http2Frame>();
        var offset = 0;
        do
        {
            var chunk = data.Slice(offset, Math.Min(chunkSize, data.Length - offset)).ToArray();
            offset += chunk.Length;
            frames.Add(Http2Frames.Data(streamId, chunk, endStream && offset == data.Length));
        }
        while (offset < data.Length);

        return SendAsync(frames.ToArray());
    }

    public Task ResetStreamAsync(int streamId, Http2ErrorCode code) => SendAsync(Http2Frames.RstStream(streamId, code));

    /// <summary>Sends a PING and completes when the server acknowledges it: proof that the connection still works.</summary>
    public async Task PingAsync()
    {
        var opaque = (ulong)Interlocked.Increment(ref _lastPing);
        var acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pings[opaque] = acknowledged;
        await SendAsync(Http2Frames.Ping(opaque));
        await acknowledged.Task;
    }

    /// <summary>Writes <paramref name="frames"/> back to back, in one write.</summary>
    public Task SendAsync(params Http2Frame[] frames) => SendRawAsync(frames.SelectMany(frame => frame.Encode()).ToArray());

    /// <summary>Writes arbitrary bytes (e.g. a frame with a wrong length field, or garbage).</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            await WriteAsync(bytes);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Closes the socket at once with a TCP reset (no GOAWAY, no FIN): a client that vanished.</summary>
    public void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (ObjectDisposedException)
        {
            return; // already closed
        }

        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Close();
        await _readLoop;
        _stream.Dispose();
        _writeLock.Dispose();
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            List<byte>? headerBlock = null;
            var headerFlags = FrameFlags.None;
            while (await Http2Frame.ReadAsync(_stream, CancellationToken.None) is { } frame)
            {
                switch (frame.Type)
                {
                    case FrameType.Headers:
                        headerFlags = frame.Flags;
                        headerBlock = new List<byte>(HeaderFragment(frame));
                        break;
                    case FrameType.Continuation when headerBlock is not null:
                        headerBlock.AddRange(frame.Payload);
                        headerFlags |= frame.Flags & FrameFlags.EndHeaders;
                        break;
                    case FrameType.Data:
                        Stream(frame.StreamId)?.OnData(Unpad(frame), frame.Flags.HasFlag(FrameFlags.EndStream));
                        break;
                    case FrameType.RstStream:
                        Stream(frame.StreamId)?.OnReset((Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload));
                        break;
                    case FrameType.Settings when !frame.Flags.HasFlag(FrameFlags.Ack):
                        _settings.TrySetResult(ParseSettings(frame.Payload));
                        Reply(Http2Frames.SettingsAck());
                        break;
                    case FrameType.Ping when frame.Flags.HasFlag(FrameFlags.Ack):
                        if (_pings.TryRemove(BinaryPrimitives.ReadUInt64BigEndian(frame.Payload), out var ping))
                        {
                            ping.TrySetResult();
                        }

                        break;
                    case FrameType.Ping:
                        Reply(new Http2Frame(FrameType.Ping, FrameFlags.Ack, 0, frame.Payload));
                        break;
                    case FrameType.GoAway:
                        _goAway.TrySetResult((BinaryPrimitives.ReadInt32BigEndian(frame.Payload) & int.MaxValue,
                            (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(frame.Payload.AsSpan(4))));
                        break;
                }

                if (headerBlock is not null && headerFlags.HasFlag(FrameFlags.EndHeaders))
                {
                    var fields = _decoder.Decode(headerBlock.ToArray());
                    Stream(frame.StreamId)?.OnHeaders(fields, headerFlags.HasFlag(FrameFlags.EndStream));
                    headerBlock = null;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException or SocketException or EndOfStreamException)
        {
            // The connection went away; the streams learn it below.
        }
        finally
        {
            Volatile.Write(ref _closed, true);
            foreach (var stream in _streams.Values)
            {
                stream.OnConnectionClosed();
            }

            foreach (var ping in _pings.Values)
            {
                ping.TrySetException(new IOException("The connection closed before the PING was acknowledged."));
            }

            _settings.TrySetException(new IOException("The connection closed before the server's SETTINGS arrived."));
            _ = _settings.Task.Exception; // observed: most tests never ask for the settings
        }
    }

    /// <summary>
    /// Acknowledges a control frame without holding up the read loop: a reader that waits for the
    /// write lock while a large write waits for a server that waits for its own output to be read
    /// would deadlock the connection.
    /// </summary>
    private void Reply(Http2Frame frame) => _ = ReplyAsync(frame);

    private async Task ReplyAsync(Http2Frame frame)
    {
        try
        {
            await SendAsync(frame);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
            // The connection is gone; nothing to acknowledge.
        }
    }

    private Http2Stream? Stream(int id) => _streams.TryGetValue(id, out var stream) ? stream : null;

    private static byte[] Unpad(Http2Frame frame)
        => frame.Flags.HasFlag(FrameFlags.Padded) ? frame.Payload[1..^frame.Payload[0]] : frame.Payload;

    /// <summary>The header block fragment of a HEADERS frame, without padding and priority fields.</summary>
    private static byte[] HeaderFragment(Http2Frame frame)
    {
        var fragment = Unpad(frame);
        return frame.Flags.HasFlag(FrameFlags.Priority) ? fragment[5..] : fragment;
    }

    private static Dictionary<Http2SettingId, uint> ParseSettings(byte[] payload)
    {
        var settings = new Dictionary<Http2SettingId, uint>();
        for (var offset = 0; offset + 6 <= payload.Length; offset += 6)
        {
            settings[(Http2SettingId)BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(offset))] =
                BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(offset + 2));
        }

        return settings;
    }
}
