using System.Collections.Concurrent;
using System.Net;

namespace AgentMesh.Interop.Client;

/// <summary>
/// An HTTP handler under the channel that reads along each response body and records the
/// compressed flag (the first byte of each Length-Prefixed-Message) of every response message as
/// it arrives, so the interop client can check the CompressedResponse feature on the wire.
/// </summary>
public sealed class CompressedFlagRecorder() : DelegatingHandler(new SocketsHttpHandler
{
    EnableMultipleHttp2Connections = true,
    UseCookies = false,
    AutomaticDecompression = DecompressionMethods.None,
})
{
    private readonly ConcurrentQueue<bool> _flags = new();

    /// <summary>Takes the compressed flags recorded since the last call, in arrival order (true = compressed).</summary>
    public IReadOnlyList<bool> Take()
    {
        var taken = new List<bool>();
        while (_flags.TryDequeue(out var flag))
        {
            taken.Add(flag);
        }

        return taken;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.Content = new ObservedContent(response.Content, _flags.Enqueue);
        return response;
    }

    /// <summary>The response content, read through a <see cref="MessageHeaderScanner"/>.</summary>
    private sealed class ObservedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Action<bool> _onMessage;

        public ObservedContent(HttpContent inner, Action<bool> onMessage)
        {
            _inner = inner;
            _onMessage = onMessage;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
            => new MessageHeaderScanner(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _onMessage);

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var source = await CreateContentReadStreamAsync().ConfigureAwait(false);
            await source.CopyToAsync(stream).ConfigureAwait(false);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A read-only stream that passes bytes through and reports each message header's compressed flag.</summary>
    private sealed class MessageHeaderScanner(Stream inner, Action<bool> onMessage) : Stream
    {
        private const int HeaderSize = 5;
        private readonly byte[] _header = new byte[HeaderSize];
        private int _headerFilled;
        private long _payloadLeft;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Scan(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Scan(buffer.Span[..read]);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        /// <summary>Walks <paramref name="bytes"/>: skips payload bytes, collects headers, reports each complete header.</summary>
        private int Scan(ReadOnlySpan<byte> bytes)
        {
            var count = bytes.Length;
            while (bytes.Length > 0)
            {
                if (_payloadLeft > 0)
                {
                    var skip = (int)Math.Min(_payloadLeft, bytes.Length);
                    _payloadLeft -= skip;
                    bytes = bytes[skip..];
                    continue;
                }

                var take = Math.Min(HeaderSize - _headerFilled, bytes.Length);
                bytes[..take].CopyTo(_header.AsSpan(_headerFilled));
                _headerFilled += take;
                bytes = bytes[take..];
                if (_headerFilled == HeaderSize)
                {
                    onMessage(_header[0] == 1);
                    _payloadLeft = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(1));
                    _headerFilled = 0;
                }
            }

            return count;
        }
    }
}
