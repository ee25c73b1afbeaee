using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;

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

    public void Add(ChatResponseUpdate update) => JsonSerializer.Serialize(_writer, update, ResponseCacheSerializer.UpdateInfo);

    public byte[] ToArray()
    {
        _writer.WriteEndArray();
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _writer.Dispose();
}
