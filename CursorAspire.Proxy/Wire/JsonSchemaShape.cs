using System.Text.Json;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Checks that a JSON schema a client sends (tool <c>parameters</c>, a structured-output schema) has the shape the
/// provider clients parse it into: subschemas are objects or booleans, <c>type</c> is a name or a list of names,
/// <c>required</c> a list of names, and the nesting stays shallow enough to be written inside an upstream request
/// (System.Text.Json stops at 64 levels). Keywords it does not know are left alone. Semantics are the upstream's call.
/// </summary>
internal static class JsonSchemaShape
{
    /// <summary>JSON nesting a schema may have; real tool schemas stay far below it.</summary>
    public const int MaxDepth = 32;

    private static readonly string[] SchemaMaps = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
    private static readonly string[] SchemaLists = ["anyOf", "oneOf", "allOf", "prefixItems"];
    // "items" as a list of schemas (tuples before draft 2020-12) is refused too: M.E.AI's schema handling throws on it.
    private static readonly string[] SingleSchemas =
        ["items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems"];
    private static readonly string[] Texts = ["description", "title", "$ref", "format", "pattern"];

    /// <summary>Throws a <see cref="WireFormatException"/> naming the first malformed part of <paramref name="schema"/>.</summary>
    public static void Ensure(JsonElement schema, string param)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw JsonElementReading.InvalidType(param, "a JSON schema object", schema);
        }
        // The OpenAI client reads the root's type as one name (OpenAI and Anthropic want "object" there anyway).
        if (schema.TryGetProperty("type", out var type) && type.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw JsonElementReading.InvalidType(JsonElementReading.MemberPath(param, "type"), "a string", type);
        }
        EnsureSubschema(schema, param, depth: 1);
    }

    private static void EnsureSubschema(JsonElement schema, string path, int depth)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw JsonElementReading.InvalidType(path, "a JSON schema (an object or a boolean)", schema);
        }
        if (depth > MaxDepth)
        {
            throw new WireFormatException($"Invalid value for '{path}': the schema is nested more than {MaxDepth} levels deep.", path);
        }
        foreach (var member in schema.EnumerateObject())
        {
            var value = member.Value;
            var name = member.Name;
            var memberPath = JsonElementReading.MemberPath(path, name);
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            if (name == "type")
            {
                EnsureNames(value, memberPath, allowSingle: true);
            }
            else if (name == "required")
            {
                EnsureNames(value, memberPath, allowSingle: false);
            }
            else if (SchemaMaps.Contains(name))
            {
                if (value.ValueKind != JsonValueKind.Object)
                {
                    throw JsonElementReading.InvalidType(memberPath, "an object of schemas", value);
                }
                foreach (var entry in value.EnumerateObject())
                {
                    EnsureSubschema(entry.Value, JsonElementReading.MemberPath(memberPath, entry.Name), depth + 2);
                }
            }
            else if (SchemaLists.Contains(name))
            {
                EnsureList(value, memberPath, depth);
            }
            else if (SingleSchemas.Contains(name))
            {
                EnsureSubschema(value, memberPath, depth + 1);
            }
            else if (Texts.Contains(name) && value.ValueKind != JsonValueKind.String)
            {
                throw JsonElementReading.InvalidType(memberPath, "a string", value);
            }
            else if (name == "enum" && value.ValueKind != JsonValueKind.Array)
            {
                throw JsonElementReading.InvalidType(memberPath, "an array", value);
            }
            else if (JsonDepth(value) + depth > MaxDepth)
            {
                // Any other keyword (const, default, examples…) is carried as it is, so it must fit too.
                throw new WireFormatException($"Invalid value for '{memberPath}': nested more than {MaxDepth} levels deep.", memberPath);
            }
        }
    }

    private static void EnsureList(JsonElement value, string path, int depth)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw JsonElementReading.InvalidType(path, "an array of schemas", value);
        }
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            EnsureSubschema(item, $"{path}[{index++}]", depth + 2);
        }
    }

    private static void EnsureNames(JsonElement value, string path, bool allowSingle)
    {
        if (allowSingle && value.ValueKind == JsonValueKind.String)
        {
            return;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw JsonElementReading.InvalidType(path, allowSingle ? "a string or an array of strings" : "an array of strings", value);
        }
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw JsonElementReading.InvalidType($"{path}[{index}]", "a string", item);
            }
            index++;
        }
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
}
