using System.Runtime.InteropServices;
using System.Text;

namespace CursorAspire.Proxy.Wire.Json;

/// <summary>
/// Checks that a JSON schema a client sends (tool <c>parameters</c>, a structured-output schema) has the shape the
/// provider clients parse it into: subschemas are objects or booleans, <c>type</c> is a name or a list of names,
/// <c>required</c> a list of names, and the nesting stays shallow enough to be written inside an upstream request
/// (System.Text.Json stops at 64 levels). Keywords it does not know are left alone. Semantics are the upstream's call.
/// </summary>
/// <remarks>
/// Every Cursor agent request carries a dozen tool schemas, so the walk allocates nothing for a good one: member names
/// are matched without making strings, and the path of a problem is spelled out on the way back up, only when there is
/// one (building each member's path cost ~35 KB per request).
/// </remarks>
internal static class JsonSchemaShape
{
    /// <summary>JSON nesting a schema may have; real tool schemas stay far below it.</summary>
    public const int MaxDepth = 32;

    // Longer than any keyword below, so a longer name is none of them.
    private const int MaxKeywordLength = 32;

    /// <summary>
    /// Throws a <see cref="WireFormatException"/> naming the first malformed part of <paramref name="schema"/>, member
    /// <paramref name="name"/> of the object at <paramref name="path"/>.
    /// </summary>
    public static void Ensure(JsonElement schema, string path, string name)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw JsonElementReading.InvalidType(Param(), "a JSON schema object", schema);
        }
        // The OpenAI client reads the root's type as one name (OpenAI and Anthropic want "object" there anyway).
        if (schema.TryGetProperty("type", out var type) && type.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw JsonElementReading.InvalidType(Param() + ".type", "a string", type);
        }
        if (FindProblem(schema, depth: 1) is { } problem)
        {
            throw problem.Error(Param() + problem.Path);
        }

        string Param() => JsonElementReading.MemberPath(path, name);
    }

    private static Problem? FindProblem(JsonElement schema, int depth)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return null;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return Problem.InvalidType("a JSON schema (an object or a boolean)", schema);
        }
        if (depth > MaxDepth)
        {
            return Problem.NestedTooDeep("the schema is nested");
        }
        foreach (var member in schema.EnumerateObject())
        {
            if (FindProblem(member, depth) is { } problem)
            {
                return problem.Under(member.Name);
            }
        }
        return null;
    }

    private static Problem? FindProblem(JsonProperty member, int depth)
    {
        var value = member.Value;
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        Span<char> buffer = stackalloc char[MaxKeywordLength];
        switch (KeywordOf(member, buffer))
        {
            case "type":
                return FindNamesProblem(value, allowSingle: true);
            case "required":
                return FindNamesProblem(value, allowSingle: false);
            case "properties" or "patternProperties" or "$defs" or "definitions" or "dependentSchemas":
                if (value.ValueKind != JsonValueKind.Object)
                {
                    return Problem.InvalidType("an object of schemas", value);
                }
                foreach (var entry in value.EnumerateObject())
                {
                    if (FindProblem(entry.Value, depth + 2) is { } problem)
                    {
                        return problem.Under(entry.Name);
                    }
                }
                return null;
            case "anyOf" or "oneOf" or "allOf" or "prefixItems":
                return FindListProblem(value, depth);
            // "items" as a list of schemas (tuples before draft 2020-12) is refused too: M.E.AI's schema handling throws on it.
            case "items" or "additionalProperties" or "not" or "if" or "then" or "else" or "contains" or "propertyNames"
                or "unevaluatedProperties" or "unevaluatedItems" or "additionalItems":
                return FindProblem(value, depth + 1);
            case "description" or "title" or "$ref" or "format" or "pattern" when value.ValueKind != JsonValueKind.String:
                return Problem.InvalidType("a string", value);
            case "enum" when value.ValueKind != JsonValueKind.Array:
                return Problem.InvalidType("an array", value);
            default:
                // Any other keyword (const, default, examples…) is carried as it is, so it must fit too.
                return JsonDepth(value) + depth > MaxDepth ? Problem.NestedTooDeep("nested") : null;
        }
    }

    private static Problem? FindListProblem(JsonElement value, int depth)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Problem.InvalidType("an array of schemas", value);
        }
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (FindProblem(item, depth + 2) is { } problem)
            {
                return problem.At(index);
            }
            index++;
        }
        return null;
    }

    private static Problem? FindNamesProblem(JsonElement value, bool allowSingle)
    {
        if (allowSingle && value.ValueKind == JsonValueKind.String)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            return Problem.InvalidType(allowSingle ? "a string or an array of strings" : "an array of strings", value);
        }
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return Problem.InvalidType("a string", item).At(index);
            }
            index++;
        }
        return null;
    }

    /// <summary>The member's name as characters in <paramref name="buffer"/>; empty when it is too long to be a keyword.</summary>
    private static ReadOnlySpan<char> KeywordOf(JsonProperty member, Span<char> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(member);
        if (raw.Contains((byte)'\\'))
        {
            // Escaped (rare): System.Text.Json unescapes it.
            return member.Name;
        }
        return Encoding.UTF8.TryGetChars(raw, buffer, out var length) ? buffer[..length] : [];
    }

    private static int JsonDepth(JsonElement value)
    {
        var deepest = 0;
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                {
                    deepest = Math.Max(deepest, JsonDepth(member.Value));
                }
                return deepest + 1;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    deepest = Math.Max(deepest, JsonDepth(item));
                }
                return deepest + 1;
            default:
                return 0;
        }
    }

    /// <summary>What is wrong, and where below the schema's root (<c>.properties.a</c>, <c>[0]</c>), built up on the way back.</summary>
    private sealed record Problem(string Path, Func<string, WireFormatException> Error)
    {
        public static Problem InvalidType(string expected, JsonElement actual) =>
            new(string.Empty, path => JsonElementReading.InvalidType(path, expected, actual));

        public static Problem NestedTooDeep(string what) =>
            new(string.Empty, path => new WireFormatException($"Invalid value for '{path}': {what} more than {MaxDepth} levels deep.", path));

        public Problem Under(string member) => this with { Path = "." + member + Path };

        public Problem At(int index) => this with { Path = $"[{index}]{Path}" };
    }
}
