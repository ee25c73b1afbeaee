using System.Text;
using System.Text.Json.Nodes;
using CursorAspire.TestUpstreams.Fixtures;

namespace CursorAspire.Benchmarks;

/// <summary>
/// Cursor request bodies for the benchmarks: the repository's fixtures (<see cref="CursorFixtures"/>) and a synthetic
/// large agent body.
/// </summary>
public static class BenchmarkFixtures
{
    public const string AgentChatToolsMultiturn = CursorFixtures.AgentChatToolsMultiturn;

    /// <summary>Cursor's Anthropic-shaped agent loop (four tool turns, thinking, images, cache markers).</summary>
    public const string AnthropicShapedAgentLoop = CursorFixtures.AnthropicShapedAgentLoop;

    public static byte[] ReadBytes(string name) => CursorFixtures.ReadBytes(name);

    /// <summary>
    /// The agent fixture grown to at least <paramref name="targetBytes"/> by appending turns of the shape Cursor's agent
    /// sends: an assistant message with two tool calls, then the two tool results carrying numbered file text.
    /// Deterministic, so every run parses the same bytes.
    /// </summary>
    public static byte[] SyntheticAgentBody(int targetBytes)
    {
        var root = JsonNode.Parse(ReadBytes(AgentChatToolsMultiturn))!.AsObject();
        var messages = root["messages"]!.AsArray();
        var size = Encoding.UTF8.GetByteCount(root.ToJsonString());
        for (var turn = 0; size < targetBytes; turn++)
        {
            var fileText = NumberedFile(turn, lines: 120);
            var readId = $"call_r{turn:D6}";
            var grepId = $"call_g{turn:D6}";
            var assistant = new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = $"Reading module {turn} and searching its callers.",
                ["tool_calls"] = new JsonArray(
                    ToolCall(readId, 0, "read_file", $$"""{"target_file": "/home/dev/shop-api/src/module_{{turn}}.py"}"""),
                    ToolCall(grepId, 1, "grep", $$"""{"pattern": "handler_{{turn}}", "path": "/home/dev/shop-api", "output_mode": "content"}""")),
            };
            var read = new JsonObject { ["role"] = "tool", ["name"] = "read_file", ["tool_call_id"] = readId, ["content"] = fileText };
            var grep = new JsonObject
            {
                ["role"] = "tool",
                ["name"] = "grep",
                ["tool_call_id"] = grepId,
                ["content"] = $"src/module_{turn}.py:12:def handler_{turn}(request):\ntests/test_module_{turn}.py:4:from src.module_{turn} import handler_{turn}",
            };
            messages.Add(assistant);
            messages.Add(read);
            messages.Add(grep);
            size += Encoding.UTF8.GetByteCount(assistant.ToJsonString()) + Encoding.UTF8.GetByteCount(read.ToJsonString())
                + Encoding.UTF8.GetByteCount(grep.ToJsonString()) + 3;
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static JsonObject ToolCall(string id, int index, string name, string arguments) => new()
    {
        ["type"] = "function",
        ["id"] = id,
        ["index"] = index,
        ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments },
    };

    private static string NumberedFile(int turn, int lines)
    {
        var text = new StringBuilder();
        for (var line = 1; line <= lines; line++)
        {
            // Quotes, tabs and non-ASCII appear in real files and cost the reader escapes and transcoding.
            text.Append(line.ToString().PadLeft(6)).Append('|')
                .Append(line % 7 == 0 ? $"    return f\"total: {{self.total_{turn}}} – ok\"\t# café" : $"    value_{line} = compute(self.items[{line}], \"sku-{turn}\")")
                .Append('\n');
        }
        return text.ToString();
    }
}
