using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Compaction;

/// <summary>
/// An agent conversation as the proxy's readers give it to the pipeline: a system prompt, the user's task, then tool
/// turns (an assistant message with a call, and the tool's result), growing one turn at a time as Cursor's does.
/// </summary>
internal static class AgentConversation
{
    public const string SystemPrompt = "You are a coding agent in Cursor. Use the tools to read and change the user's code.";
    public const string Task = "Find why the build fails and fix it.";

    /// <summary>The first <paramref name="turns"/> turns: each reads a file whose contents are <paramref name="resultCharacters"/> long.</summary>
    public static List<ChatMessage> WithTurns(int turns, int resultCharacters = 2_000, Func<int, FunctionCallContent>? call = null)
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, SystemPrompt),
            new(ChatRole.User, Task),
        };
        for (var i = 0; i < turns; i++)
        {
            var functionCall = call?.Invoke(i) ?? ReadFile(i);
            messages.Add(new ChatMessage(ChatRole.Assistant, [functionCall]));
            messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(functionCall.CallId, FileContents(i, resultCharacters))]));
        }
        return messages;
    }

    public static FunctionCallContent ReadFile(int turn) =>
        new($"call_{turn}", "read_file", new Dictionary<string, object?> { ["target_file"] = $"src/File{turn}.cs" });

    public static FunctionCallContent EditFile(int turn, int editCharacters) =>
        new($"call_{turn}", "edit_file", new Dictionary<string, object?>
        {
            ["target_file"] = $"src/File{turn}.cs",
            ["code_edit"] = new string('e', editCharacters),
        });

    /// <summary>Distinct text per turn, so no two results are alike.</summary>
    public static string FileContents(int turn, int characters)
    {
        var line = $"// line of File{turn}.cs ";
        var text = new StringBuilder(characters);
        while (text.Length < characters)
        {
            text.Append(line);
        }
        return text.ToString(0, characters);
    }
}
