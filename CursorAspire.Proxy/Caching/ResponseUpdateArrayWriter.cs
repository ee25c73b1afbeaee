using System.Buffers;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Serializes streamed updates one at a time as they pass through, into the stored JSON array form,
/// so a consumer that later mutates an update cannot change what is stored.
/// </summary>
internal sealed class ResponseUpdateArrayWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;

    public ResponseUpdateArrayWriter()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = AIJsonUtilities.DefaultOptions.Encoder });
        _writer.WriteStartArray();
    }

    public long BytesWritten => _buffer.WrittenCount + _writer.BytesPending;

    /// <summary>Adds <paramref name="update"/>; false (with the exception's type name) when it cannot be serialized.</summary>
    public bool TryAdd(ChatResponseUpdate update, out string? error)
    {
        try
        {
            JsonSerializer.Serialize(_writer, update, ResponseCacheSerializer.UpdateInfo);
            error = null;
            return true;
        }
        catch (Exception ex) when (ResponseCacheSerializer.IsSerializationFailure(ex))
        {
            error = ex.GetType().Name;
            return false;
        }
    }

    public byte[] ToArray()
    {
        _writer.WriteEndArray();
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _writer.Dispose();
}
