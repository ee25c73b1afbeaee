using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Providers;

/// <summary>
/// Tool declarations and tool modes for the tests that compare a provider library's own tool conversion with the one
/// kept per declaration (<c>OpenAIChatRequestWriter</c>'s, <c>OllamaTools</c>): what Cursor sends and the corners of a schema.
/// </summary>
internal static class ProviderToolSets
{
    public static readonly AIFunctionDeclaration[] Tools =
    [
        AIFunctionFactory.CreateDeclaration("read_file", "Read a file.\nQuotes \"like this\", <tags> & non-ASCII: café, 日本.", Schema(
            """{"type":"object","properties":{"target_file":{"type":"string","description":"Path, e.g. \"src/a.py\"."},"offset":{"type":"integer"}},"required":["target_file"]}""")),
        AIFunctionFactory.CreateDeclaration("edit", null, Schema(
            """{"type":"object","properties":{"patch":{"type":"string"},"options":{"type":"object","properties":{"dry":{"type":"boolean"}},"additionalProperties":true},"any":true}}""")),
        AIFunctionFactory.CreateDeclaration("list", "List.", Schema("""{"type":"object","properties":{}}""")),
    ];

    /// <summary>Every tool mode a request can carry, with and without the parallel-calls flag.</summary>
    public static TheoryData<string> Modes => ["none", "auto", "required", "required:edit", "unset", "auto,parallel:false", "required,parallel:true"];

    /// <summary>Options with <see cref="Tools"/> and the mode named as in <see cref="Modes"/>.</summary>
    public static ChatOptions Options(string mode)
    {
        var options = new ChatOptions { Tools = [.. Tools], MaxOutputTokens = 100 };
        foreach (var part in mode.Split(','))
        {
            switch (part)
            {
                case "none": options.ToolMode = ChatToolMode.None; break;
                case "auto": options.ToolMode = ChatToolMode.Auto; break;
                case "required": options.ToolMode = ChatToolMode.RequireAny; break;
                case "required:edit": options.ToolMode = ChatToolMode.RequireSpecific("edit"); break;
                case "parallel:false": options.AllowMultipleToolCalls = false; break;
                case "parallel:true": options.AllowMultipleToolCalls = true; break;
            }
        }
        return options;
    }

    private static JsonElement Schema(string json) => JsonElement.Parse(json);
}
