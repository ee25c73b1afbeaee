namespace CursorAspire.Proxy.Wire.Json;

/// <summary>
/// Accessors over <see cref="JsonElement"/>. The <c>Read…</c> ones are for the members a request is read from: absent
/// or <c>null</c> reads as absent, the documented kind as its value, and anything else is the client's mistake, a
/// <see cref="WireFormatException"/> naming the member (<c>messages[2].content[0].text</c>) in OpenAI's own words.
/// The tolerant <c>Get…OrNull</c> ones, where a wrong kind reads as absent, are for echoing a request back.
/// </summary>
internal static class JsonElementReading
{
    /// <summary>The path of member <paramref name="name"/> of the object at <paramref name="path"/> ("" is the body).</summary>
    public static string MemberPath(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    public static string? ReadString(this JsonElement obj, string name, string path)
    {
        if (!TryGetPresent(obj, name, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw InvalidType(MemberPath(path, name), "a string", value);
    }

    /// <summary>A string that must be there and must not be blank: names, roles.</summary>
    public static string ReadRequiredString(this JsonElement obj, string name, string path)
    {
        var value = obj.ReadString(name, path);
        if (string.IsNullOrWhiteSpace(value))
        {
            // The member's path only for the error: a request reads one of these per message, tool and call.
            var param = MemberPath(path, name);
            throw new WireFormatException(value is null ? $"Missing required parameter: '{param}'." : $"Invalid value for '{param}': it must not be empty.", param);
        }
        return value;
    }

    public static bool? ReadBool(this JsonElement obj, string name, string path)
    {
        if (!TryGetPresent(obj, name, out var value))
        {
            return null;
        }
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw InvalidType(MemberPath(path, name), "a boolean", value),
        };
    }

    /// <summary>A number a <see cref="float"/> holds: <c>1e39</c> would become infinity, which no upstream request can carry.</summary>
    public static float? ReadSingle(this JsonElement obj, string name, string path)
    {
        if (!TryGetPresent(obj, name, out var value))
        {
            return null;
        }
        var param = MemberPath(path, name);
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw InvalidType(param, "a number", value);
        }
        return value.TryGetSingle(out var number) && float.IsFinite(number)
            ? number
            : throw new WireFormatException($"Invalid value for '{param}': {value.GetRawText()} is out of range.", param);
    }

    /// <summary>An integer (<c>100.0</c> counts) that fits an <see cref="int"/>.</summary>
    public static int? ReadInt32(this JsonElement obj, string name, string path) =>
        obj.ReadInteger(name, path, int.MinValue, int.MaxValue) is { } value ? (int)value : null;

    /// <summary>An integer (<c>100.0</c> counts) that fits a <see cref="long"/>.</summary>
    public static long? ReadInt64(this JsonElement obj, string name, string path) =>
        obj.ReadInteger(name, path, long.MinValue, long.MaxValue);

    /// <summary>An object member; <see langword="false"/> when absent or null.</summary>
    public static bool TryReadObject(this JsonElement obj, string name, string path, out JsonElement value)
    {
        if (!TryGetPresent(obj, name, out value))
        {
            return false;
        }
        return value.ValueKind == JsonValueKind.Object ? true : throw InvalidType(MemberPath(path, name), "an object", value);
    }

    /// <summary>An array member; <see langword="false"/> when absent or null.</summary>
    public static bool TryReadArray(this JsonElement obj, string name, string path, out JsonElement value)
    {
        if (!TryGetPresent(obj, name, out value))
        {
            return false;
        }
        return value.ValueKind == JsonValueKind.Array ? true : throw InvalidType(MemberPath(path, name), "an array", value);
    }

    /// <summary>OpenAI's wording for a member of the wrong kind.</summary>
    public static WireFormatException InvalidType(string param, string expected, JsonElement actual) =>
        new($"Invalid type for '{param}': expected {expected}, but got {Describe(actual.ValueKind)} instead.", param);

    public static string? GetStringOrNull(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static bool? GetBoolOrNull(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        } : null;

    /// <summary>A finite float, else absent: an infinity could not be written back as JSON.</summary>
    public static float? GetSingleOrNull(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetSingle(out var f) && float.IsFinite(f) ? f : null;

    public static int? GetInt32OrNull(this JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static bool TryGetPresent(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static long? ReadInteger(this JsonElement obj, string name, string path, long min, long max)
    {
        if (!TryGetPresent(obj, name, out var value))
        {
            return null;
        }
        var param = MemberPath(path, name);
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw InvalidType(param, "an integer", value);
        }
        if (value.TryGetInt64(out var integer) && integer >= min && integer <= max)
        {
            return integer;
        }
        // 100.0 is an integer written by a client that only has doubles (JavaScript, Python's json of a float).
        if (value.TryGetDouble(out var number) && double.IsFinite(number) && Math.Floor(number) == number && number >= min && number < (double)max + 1)
        {
            return (long)number;
        }
        throw new WireFormatException($"Invalid value for '{param}': expected an integer between {min} and {max}, but got {value.GetRawText()}.", param);
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
