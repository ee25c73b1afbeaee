namespace CursorAspire.Proxy.Wire.Json;

/// <summary>
/// JSON written indented by someone else (M.E.AI's default serializer options indent), made compact without parsing it
/// again: hand-written because re-serializing through <see cref="JsonDocument"/> would escape every string anew with
/// its own encoder, and the bytes must stay the ones the library wrote.
/// </summary>
public static class JsonWhitespace
{
    /// <summary>
    /// The JSON without the whitespace between its tokens, every string's bytes as they were. Whitespace can only stand
    /// between tokens: inside a string a newline or tab is always escaped.
    /// </summary>
    public static byte[] Strip(ReadOnlySpan<byte> json)
    {
        var compact = new byte[json.Length];
        var length = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in json)
        {
            if (inString)
            {
                inString = escaped || b != (byte)'"';
                escaped = !escaped && b == (byte)'\\';
            }
            else if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
            {
                continue;
            }
            else
            {
                inString = b == (byte)'"';
            }
            compact[length++] = b;
        }
        return compact.AsSpan(0, length).ToArray();
    }
}
