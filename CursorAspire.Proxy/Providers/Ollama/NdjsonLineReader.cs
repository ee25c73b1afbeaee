using System.Buffers;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// Splits a stream of newline-delimited JSON into lines over one pooled buffer: each line is a span of that buffer,
/// valid until the next read, with no string or copy per line. A line longer than the buffer grows it (from the pool);
/// a last line without its newline still counts. Hand-written because the BCL's line readers decode to strings and a
/// <c>PipeReader</c> brings its own segments and state for what is one buffer here.
/// </summary>
internal sealed class NdjsonLineReader(Stream stream) : IDisposable
{
    private const int InitialSize = 16 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _start;
    private int _end;
    private int _scanned;
    private int _lineStart;
    private int _lineLength = -1;
    private bool _ended;

    /// <summary>The line the last <see cref="ReadLineAsync"/> found, without its newline.</summary>
    public ReadOnlySpan<byte> Line => _lineLength < 0 ? default : _buffer.AsSpan(_lineStart, _lineLength);

    /// <summary>Moves to the next line; false at the end of the stream.</summary>
    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _lineStart = _start;
                _lineLength = _scanned + newline - _start;
                _start = _scanned = _scanned + newline + 1;
                return true;
            }
            _scanned = _end;
            if (_ended)
            {
                if (_end > _start)
                {
                    // The last line, without a newline: as if it had one.
                    _lineStart = _start;
                    _lineLength = _end - _start;
                    _start = _scanned = _end;
                    return true;
                }
                _lineLength = -1;
                return false;
            }
            MakeRoom();
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            _ended = read == 0;
            _end += read;
        }
    }

    /// <summary>Moves the unfinished line to the front, or grows the buffer when that line fills it.</summary>
    private void MakeRoom()
    {
        if (_start > 0)
        {
            var pending = _end - _start;
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _scanned -= _start;
            _start = 0;
            _end = pending;
        }
        if (_end == _buffer.Length)
        {
            Grow();
        }
    }

    private void Grow()
    {
        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, _end).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
