using CsCheck;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// The real Cursor bodies (<see cref="CursorFixtures"/>) with one to three mutations each: a member or element
/// replaced by a malformed value, removed, emptied, wrapped in an array, or joined by an unknown member. The bodies
/// stay close to what Cursor sends, so the mutations reach deep into tool history and content parts.
/// </summary>
internal static class FixtureMutations
{
    private static readonly (string Path, string Fixture)[] Sources =
    [
        ("v1/chat/completions", CursorFixtures.Verify),
        ("v1/chat/completions", CursorFixtures.AskChatStream),
        ("v1/chat/completions", CursorFixtures.AgentChatToolsMultiturn),
        ("v1/chat/completions", CursorFixtures.ResponsesShapedAgent),
        ("v1/responses", CursorFixtures.ResponsesShapedAgent),
    ];

    private static readonly string[] Models = ["local", "remote", "anthropic-sonnet"];

    private enum Kind { Replace, Remove, Empty, WrapInArray, AddUnknownMember }

    private readonly record struct Mutation(int Target, Kind Kind, string Value);

    private static readonly Gen<Mutation> OneMutation = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Enum<Kind>(), JsonFragments.OddValue,
        (target, kind, value) => new Mutation(target, kind, value));

    public static readonly Gen<MalformedRequest> Requests = Gen.Select(
        Gen.Int[0, Sources.Length - 1], Gen.Int[0, Models.Length - 1], OneMutation.Array[1, 3],
        (source, model, mutations) => MalformedRequest.Json(Sources[source].Path, Apply(Sources[source].Fixture, Models[model], mutations)));

    private static string Apply(string fixture, string model, Mutation[] mutations)
    {
        var root = JsonNode.Parse(CursorFixtures.Read(fixture))!;
        root["model"] = model;
        // Malformed values are raw text (numbers no type holds, unpaired surrogates): they go in as placeholders and
        // are swapped in after serialization.
        var replacements = new List<(string Placeholder, string Raw)>();
        foreach (var mutation in mutations)
        {
            var placeholder = $"__mutation_{replacements.Count}__";
            replacements.Add(("\"" + placeholder + "\"", mutation.Value));
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            var target = nodes[mutation.Target % nodes.Count];
            Mutate(target, mutation.Kind, placeholder);
        }
        var text = root.ToJsonString();
        foreach (var (placeholder, raw) in replacements)
        {
            text = text.Replace(placeholder, raw, StringComparison.Ordinal);
        }
        return text;
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        foreach (var child in node switch
        {
            JsonObject obj => obj.Select(member => member.Value),
            JsonArray array => array,
            _ => [],
        })
        {
            if (child is not null)
            {
                nodes.Add(child);
                Collect(child, nodes);
            }
        }
    }

    private static void Mutate(JsonNode target, Kind kind, string placeholder)
    {
        switch (kind)
        {
            case Kind.Remove:
                Detach(target);
                break;
            case Kind.Empty:
                Swap(target, target switch
                {
                    JsonObject => new JsonObject(),
                    JsonArray => new JsonArray(),
                    _ => JsonValue.Create(string.Empty),
                });
                break;
            case Kind.WrapInArray:
                var parent = target.Parent;
                var copy = target.DeepClone();
                if (parent is not null)
                {
                    Swap(target, new JsonArray(copy));
                }
                break;
            case Kind.AddUnknownMember when target is JsonObject obj:
                obj["x_unknown_" + obj.Count] = placeholder;
                break;
            default:
                Swap(target, JsonValue.Create(placeholder));
                break;
        }
    }

    private static void Swap(JsonNode target, JsonNode replacement)
    {
        switch (target.Parent)
        {
            case JsonObject obj:
                obj[target.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
        }
    }

    private static void Detach(JsonNode target)
    {
        switch (target.Parent)
        {
            case JsonObject obj:
                obj.Remove(target.GetPropertyName());
                break;
            case JsonArray array:
                array.RemoveAt(target.GetElementIndex());
                break;
        }
    }
}
