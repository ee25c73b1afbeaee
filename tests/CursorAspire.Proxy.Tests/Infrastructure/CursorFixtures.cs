using System.Text.Json;

namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// The Cursor request bodies in <c>shared/cursor-fixtures/</c>, which lives beside the repository (on developer
/// machines and in CI alike). Found by walking up from the test binaries; a missing folder fails the test and says where it looked.
/// </summary>
public static class CursorFixtures
{
    public const string Verify = "verify-request.json";
    public const string AskChatStream = "ask-chat-stream.json";
    public const string AgentChatToolsMultiturn = "agent-chat-tools-multiturn.json";
    public const string ResponsesShapedAgent = "responses-shaped-agent.json";

    public static readonly string[] All = [Verify, AskChatStream, AgentChatToolsMultiturn, ResponsesShapedAgent];

    private static readonly Lazy<string> Directory = new(Locate);

    public static string Path(string name) => System.IO.Path.Combine(Directory.Value, name);

    public static string Read(string name) => File.ReadAllText(Path(name));

    public static JsonDocument Parse(string name) => JsonDocument.Parse(Read(name));

    private static string Locate()
    {
        var searched = new List<string>();
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "cursor-fixtures");
            searched.Add(candidate);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException(
            "The Cursor fixtures folder 'shared/cursor-fixtures' was not found beside the repository. Looked in: " + string.Join(", ", searched));
    }
}
