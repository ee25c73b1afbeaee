namespace CursorAspire.TestUpstreams.Fixtures;

/// <summary>
/// The Cursor request bodies the repository keeps in <c>tests/fixtures/cursor/</c>. Every project that references the
/// stand-ins gets them copied next to its binaries (<c>fixtures/cursor/</c>), so nothing is read from outside the
/// repository, not even from the source tree.
/// </summary>
public static class CursorFixtures
{
    public const string Verify = "verify-request.json";
    public const string AskChatStream = "ask-chat-stream.json";
    public const string AgentChatToolsMultiturn = "agent-chat-tools-multiturn.json";
    public const string ResponsesShapedAgent = "responses-shaped-agent.json";

    /// <summary>The first Agent turn with a model whose name contains <c>claude</c>: Cursor's Anthropic-shaped body.</summary>
    public const string AnthropicShapedFirstTurn = "anthropic-shaped-agent-first-turn.json";

    /// <summary>An Anthropic-shaped Agent loop: four tool turns (thinking, redacted thinking, parallel calls, an error, images).</summary>
    public const string AnthropicShapedAgentLoop = "anthropic-shaped-agent-loop.json";

    public static readonly string[] All =
        [Verify, AskChatStream, AgentChatToolsMultiturn, ResponsesShapedAgent, AnthropicShapedFirstTurn, AnthropicShapedAgentLoop];

    /// <summary>Where the copies sit relative to a binary's folder.</summary>
    public static readonly string RelativeDirectory = System.IO.Path.Combine("fixtures", "cursor");

    private static readonly Lazy<string> Directory = new(Locate);

    public static string Path(string name) => System.IO.Path.Combine(Directory.Value, name);

    public static string Read(string name) => File.ReadAllText(Path(name));

    public static byte[] ReadBytes(string name) => File.ReadAllBytes(Path(name));

    public static JsonDocument Parse(string name) => JsonDocument.Parse(Read(name));

    /// <summary>
    /// The system texts and tool results a Chat Completions or Anthropic-shaped fixture carries, byte for byte: what a
    /// test expects to find upstream (<see cref="RecordedRequest.SystemTexts"/>, <see cref="RecordedRequest.ToolResults"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">The fixture is Responses-shaped (<c>input</c>).</exception>
    public static PromptContents Contents(string name)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(Read(name));
        return body?["messages"] is null
            ? throw new NotSupportedException($"{name} has no messages (it is Responses-shaped); read it yourself.")
            : PromptContents.Of(body, body["system"] is null ? WireDialect.ChatCompletions : WireDialect.AnthropicMessages);
    }

    /// <summary>
    /// The copied folder next to the running binary, or next to one of its parents: BenchmarkDotNet runs benchmarks
    /// from a generated folder below the project's own output.
    /// </summary>
    private static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, RelativeDirectory);
            if (File.Exists(System.IO.Path.Combine(candidate, Verify)))
            {
                return candidate;
            }
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "CursorAspire.sln")))
            {
                break; // never look above the repository
            }
        }
        throw new InvalidOperationException(
            $"The Cursor fixtures were not copied next to {AppContext.BaseDirectory} ({RelativeDirectory}). " +
            "They live in tests/fixtures/cursor/ and are copied by CursorAspire.TestUpstreams.csproj; rebuild the project.");
    }
}
