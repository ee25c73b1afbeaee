using System.Globalization;
using System.Text.Json.Nodes;
using System.Text;

namespace CursorAspire.Check.Steps;

/// <summary>
/// The check's request bodies: shaped like Cursor's own (Verify, an Ask-mode stream, a Responses-shaped agent turn, a
/// prompt of Cursor's usual size), but tiny in what they ask the model to write.
/// </summary>
internal static class CursorRequestBodies
{
    /// <summary>The model name Cursor's Verify call carries when no custom model matched first: not one the server serves.</summary>
    public const string VerifyModel = "gpt-4o-mini";

    /// <summary>Verify's user text, as Cursor sends it.</summary>
    public const string VerifyPrompt = "Test prompt using gpt-3.5-turbo";

    /// <summary>The one tool the agent turn offers (Cursor's name for it).</summary>
    public const string AgentToolName = "ReadFile";

    /// <summary>Answer room for the agent turn: a tool call, or a short thought before it.</summary>
    public const int AgentMaxOutputTokens = 256;

    /// <summary>Cursor's Verify: unstreamed, <c>max_tokens</c> 10; passes only on HTTP 200.</summary>
    public static JsonObject Verify() => new()
    {
        ["model"] = VerifyModel,
        ["messages"] = new JsonArray(Message("system", "You are a helpful assistant."), Message("user", VerifyPrompt)),
        ["temperature"] = 1,
        ["max_tokens"] = 10,
        ["stream"] = false,
    };

    /// <summary>An Ask-mode turn: streamed, usage asked for, <c>tools: null</c> as Cursor sends it, a one-word answer.</summary>
    public static JsonObject StreamedChat(string model) => new()
    {
        ["model"] = model,
        ["temperature"] = 0,
        ["messages"] = new JsonArray(
            Message("system", "You are a helpful coding assistant in Cursor. Answer in as few words as possible."),
            Message("user", "Reply with the single word: ready")),
        ["tools"] = null,
        ["stream"] = true,
        ["stream_options"] = new JsonObject { ["include_usage"] = true },
        ["max_tokens"] = 16,
    };

    /// <summary>
    /// An agent turn as current Cursor sends it to <c>/chat/completions</c>: Responses-shaped (<c>input</c>, flat
    /// <c>tools</c>), streamed, asking for something only the tool can do. The answer must be a <see cref="AgentToolName"/> call.
    /// </summary>
    public static JsonObject AgentTurn(string model) => new()
    {
        ["model"] = model,
        ["input"] = new JsonArray(
            new JsonObject
            {
                ["role"] = "system",
                ["content"] = "You are an AI coding assistant, operating in Cursor. You are an agent: use the tools to look at the workspace, never guess what a file holds.",
            },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject
                {
                    ["type"] = "input_text",
                    ["text"] = "<user_query>\nRead the file /workspace/README.md with the ReadFile tool.\n</user_query>",
                }),
            }),
        ["tools"] = new JsonArray(new JsonObject
        {
            ["type"] = "function",
            ["name"] = AgentToolName,
            ["description"] = "Read a file from the workspace.",
            ["parameters"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["path"] = new JsonObject { ["type"] = "string", ["description"] = "Absolute path of the file." } },
                ["required"] = new JsonArray("path"),
            },
            ["strict"] = false,
        }),
        ["tool_choice"] = "auto",
        ["stream"] = true,
        ["stream_options"] = new JsonObject { ["include_usage"] = true },
        ["max_output_tokens"] = AgentMaxOutputTokens,
        ["store"] = false,
    };

    /// <summary>
    /// An agent turn as Cursor sends it for a model name containing <c>claude</c>: Anthropic-shaped (<c>system</c> blocks,
    /// a tool with <c>input_schema</c>, <c>tool_choice</c> an object, content blocks with Cursor's <c>cache_control</c>), one
    /// tool turn already in the history (<c>tool_use</c>, then its <c>tool_result</c>), and the next file to read. The
    /// answer must be Chat Completions chunks with a <see cref="AgentToolName"/> call.
    /// </summary>
    public static JsonObject ClaudeStyleAgentTurn(string model) => new()
    {
        ["model"] = model,
        ["system"] = new JsonArray(new JsonObject
        {
            ["type"] = "text",
            ["text"] = "You are an AI coding assistant, operating in Cursor. You are an agent: use the tools to look at the workspace, never guess what a file holds.",
            ["cache_control"] = new JsonObject { ["type"] = "ephemeral" },
        }),
        ["tools"] = new JsonArray(new JsonObject
        {
            ["name"] = AgentToolName,
            ["description"] = "Read a file from the workspace.",
            ["input_schema"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["path"] = new JsonObject { ["type"] = "string", ["description"] = "Absolute path of the file." } },
                ["required"] = new JsonArray("path"),
            },
            ["cache_control"] = new JsonObject { ["type"] = "ephemeral" },
        }),
        ["tool_choice"] = new JsonObject { ["type"] = "auto" },
        ["messages"] = new JsonArray(
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = "<user_query>\nRead /workspace/README.md, then the file it names, with the ReadFile tool.\n</user_query>" }),
            },
            new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject
                {
                    ["type"] = "tool_use", ["id"] = "toolu_01CheckReadme00000000000", ["name"] = AgentToolName,
                    ["input"] = new JsonObject { ["path"] = "/workspace/README.md" },
                }),
            },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject
                {
                    ["type"] = "tool_result", ["tool_use_id"] = "toolu_01CheckReadme00000000000",
                    ["content"] = "# Demo\nThe entry point is /workspace/src/main.py.",
                    ["cache_control"] = new JsonObject { ["type"] = "ephemeral" },
                }),
            }),
        ["stream"] = true,
        ["stream_options"] = new JsonObject { ["include_usage"] = true },
        ["max_tokens"] = AgentMaxOutputTokens,
        ["temperature"] = 0,
    };

    /// <summary>Answer room for a thinking model's turn: its reasoning and a one-word answer.</summary>
    public const int ThinkingMaxOutputTokens = 1_024;

    /// <summary>
    /// A turn as Cursor sends it to a thinking model: streamed, and without a reasoning effort (Cursor's requests often carry
    /// none); the alias's own default applies.
    /// </summary>
    public static JsonObject ThinkingChat(string model)
    {
        var body = StreamedChat(model);
        body["max_tokens"] = ThinkingMaxOutputTokens;
        return body;
    }

    /// <summary>
    /// A prompt of about <paramref name="tokens"/> tokens (about four characters each), shaped like Cursor's: a system
    /// prompt and an attached file, then a one-token question.
    /// </summary>
    public static JsonObject ContextProbe(string model, int tokens) => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(
            Message("system", "You are a helpful coding assistant in Cursor."),
            Message("user", AttachedFile(tokens * 4) + "\nIs this file C#? Answer yes or no.")),
        ["stream"] = true,
        ["stream_options"] = new JsonObject { ["include_usage"] = true },
        ["max_tokens"] = 1,
    };

    private static JsonObject Message(string role, string content) => new() { ["role"] = role, ["content"] = content };

    /// <summary>A numbered C# file of about <paramref name="characters"/> characters, as Cursor attaches code.</summary>
    private static string AttachedFile(int characters)
    {
        var text = new StringBuilder(characters + 200).Append("<attached_file path=\"/workspace/src/Inventory.cs\">\n");
        for (var line = 1; text.Length < characters; line++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{line,6}|    public decimal PriceOfItem{line} {{ get; set; }} // the price of item {line} in the store's currency\n");
        }

        return text.Append("</attached_file>").ToString();
    }
}
