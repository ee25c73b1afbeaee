using System.Buffers;

namespace CursorAspire.Proxy.Wire.Json;

/// <summary>
/// A <see cref="Utf8JsonWriter"/> a writing site keeps per thread (in a <see cref="ThreadStaticAttribute"/> field) and
/// reuses for every body it writes, instead of a new writer and its buffers per request. Writing a body is synchronous,
/// so nothing else uses the writer meanwhile. The site calls <see cref="Utf8JsonWriter.Reset()"/> when done (in a
/// <c>finally</c>): a body that failed half-way leaves no state behind.
/// </summary>
internal static class ThreadJsonWriter
{
    /// <summary>The writer kept in <paramref name="kept"/>, reset onto <paramref name="output"/>; made with <paramref name="options"/> the first time.</summary>
    public static Utf8JsonWriter Take(ref Utf8JsonWriter? kept, IBufferWriter<byte> output, JsonWriterOptions options)
    {
        if (kept is null)
        {
            kept = new Utf8JsonWriter(output, options);
        }
        else
        {
            kept.Reset(output);
        }
        return kept;
    }
}
