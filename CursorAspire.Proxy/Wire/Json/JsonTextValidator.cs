using System.Runtime.InteropServices;
using System.Text.Unicode;

namespace CursorAspire.Proxy.Wire.Json;

/// <summary>
/// Finds strings that are not text: invalid UTF-8, or <c>\uXXXX</c> escapes of unpaired UTF-16 surrogates.
/// <see cref="JsonDocument"/> accepts both and only fails when a string is read (an <see cref="InvalidOperationException"/>
/// deep inside a reader, a provider client or a serializer), so a body is checked once, whole, before anything reads it.
/// </summary>
internal static class JsonTextValidator
{
    /// <summary>Throws a <see cref="WireFormatException"/> naming the first member or element whose text is broken.</summary>
    public static void EnsureValidText(JsonElement root)
    {
        if (FindInvalidText(root) is { } path)
        {
            var param = path.Length == 0 ? null : path;
            throw new WireFormatException(
                $"Invalid text in '{param ?? "the request body"}': strings must be valid UTF-8 without unpaired surrogate escapes (\\ud800-\\udfff).", param);
        }
    }

    /// <summary>
    /// The path (<c>messages[2].content</c>) of the first string or member name that is not valid text, <c>""</c> for the
    /// element itself, <see langword="null"/> when all text is valid.
    /// </summary>
    public static string? FindInvalidText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsValidText(JsonMarshal.GetRawUtf8Value(element)) ? null : string.Empty;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInvalidText(item) is { } inner)
                    {
                        return $"[{index}]{Continue(inner)}";
                    }
                    index++;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var member in element.EnumerateObject())
                {
                    // The name is only readable when valid; a broken name is reported at the object holding it.
                    if (!IsValidText(JsonMarshal.GetRawUtf8PropertyName(member)))
                    {
                        return string.Empty;
                    }
                    if (FindInvalidText(member.Value) is { } inner)
                    {
                        return member.Name + Continue(inner);
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>Joins a path found below an element to the element's own segment.</summary>
    private static string Continue(string inner) => inner.Length == 0 || inner.StartsWith('[') ? inner : "." + inner;

    /// <summary>Raw (still escaped) string bytes: valid UTF-8, and every surrogate escape part of a pair.</summary>
    private static bool IsValidText(ReadOnlySpan<byte> raw)
    {
        if (!Utf8.IsValid(raw))
        {
            return false;
        }
        var escape = raw.IndexOf((byte)'\\');
        if (escape < 0)
        {
            return true;
        }
        var pendingHigh = false;
        for (var i = escape; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                if (pendingHigh)
                {
                    return false;
                }
                continue;
            }
            // JsonDocument validated the escapes' syntax: a backslash is followed by one escape character.
            if (raw[i + 1] != 'u')
            {
                if (pendingHigh)
                {
                    return false;
                }
                i++;
                continue;
            }
            var unit = ParseHex(raw.Slice(i + 2, 4));
            i += 5;
            if (char.IsHighSurrogate(unit))
            {
                if (pendingHigh)
                {
                    return false;
                }
                pendingHigh = true;
            }
            else if (char.IsLowSurrogate(unit))
            {
                if (!pendingHigh)
                {
                    return false;
                }
                pendingHigh = false;
            }
            else if (pendingHigh)
            {
                return false;
            }
        }
        return !pendingHigh;
    }

    private static char ParseHex(ReadOnlySpan<byte> hex)
    {
        var value = 0;
        foreach (var digit in hex)
        {
            value = (value << 4) | (digit <= '9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }
        return (char)value;
    }
}
