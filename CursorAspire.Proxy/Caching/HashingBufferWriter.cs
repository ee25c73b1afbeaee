using System.Buffers;
using System.Security.Cryptography;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that feeds everything written into a SHA-256 hash instead of keeping it,
/// so a multi-megabyte canonical request is hashed without being materialised.
/// </summary>
internal sealed class HashingBufferWriter : IBufferWriter<byte>, IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private byte[] _buffer = new byte[4096];

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length);
        _hash.AppendData(_buffer, 0, count);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer;
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureCapacity(sizeHint);
        return _buffer;
    }

    /// <summary>Returns the lowercase hex SHA-256 of everything written so far.</summary>
    public string GetHexHash() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();

    private void EnsureCapacity(int sizeHint)
    {
        if (sizeHint > _buffer.Length)
        {
            _buffer = new byte[Math.Max(sizeHint, _buffer.Length * 2)];
        }
    }
}
