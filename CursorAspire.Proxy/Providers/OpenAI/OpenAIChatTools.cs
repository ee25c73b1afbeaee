using System.Runtime.CompilerServices;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// A request's function tools as the OpenAI SDK's <see cref="OpenAIChat.ChatTool"/>s, each converted once per declaration.
/// M.E.AI's OpenAI client converts every declaration's schema on every request (it deserializes and re-serializes the
/// schema into a new <see cref="BinaryData"/>, ~0.25 ms for Cursor's dozen tools); the declarations of a tool set Cursor
/// sends again are the same objects (<see cref="Tools.ToolDeclarationCache"/>), so their converted form is kept beside
/// them and handed to the SDK ready-made, on the request options M.E.AI starts from.
/// </summary>
/// <remarks>
/// The conversion is M.E.AI's own (<see cref="OpenAIChat.MicrosoftExtensionsAIChatExtensions.AsOpenAIChatTool"/>), and the tool
/// choice and parallel-call flag are set as M.E.AI sets them, so the request's bytes do not change (the golden tests
/// pin them). A <see cref="OpenAIChat.ChatTool"/> is only read when a request is written, so one instance serves every
/// request at once. Options that carry <c>strict</c> (which M.E.AI reads per request) are left to M.E.AI.
/// </remarks>
internal sealed class OpenAIChatTools
{
    private static readonly ConditionalWeakTable<AIFunctionDeclaration, OpenAIChat.ChatTool> Converted = new();

    private readonly OpenAIChat.ChatTool[] _tools;
    private readonly ChatToolMode? _mode;
    private readonly bool? _allowMultipleToolCalls;

    private OpenAIChatTools(OpenAIChat.ChatTool[] tools, ChatOptions options)
    {
        _tools = tools;
        _mode = options.ToolMode;
        _allowMultipleToolCalls = options.AllowMultipleToolCalls;
    }

    /// <summary>
    /// Takes the function tools out of <paramref name="options"/> (a copy the caller owns) as converted tools, leaving any
    /// other tool to M.E.AI; null, and <paramref name="options"/> untouched, when there are none to take.
    /// </summary>
    public static OpenAIChatTools? Take(ChatOptions options)
    {
        if (options.Tools is not { Count: > 0 } tools || options.AdditionalProperties?.ContainsKey("strict") == true)
        {
            return null;
        }
        var count = 0;
        for (var i = 0; i < tools.Count; i++)
        {
            count += tools[i] is AIFunctionDeclaration ? 1 : 0;
        }
        if (count == 0)
        {
            return null;
        }
        var converted = new OpenAIChat.ChatTool[count];
        List<AITool>? others = null;
        count = 0;
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is AIFunctionDeclaration declaration)
            {
                converted[count++] = Converted.GetValue(declaration, static d => OpenAIChat.MicrosoftExtensionsAIChatExtensions.AsOpenAIChatTool(d));
            }
            else
            {
                (others ??= []).Add(tools[i]);
            }
        }
        var taken = new OpenAIChatTools(converted, options);
        options.Tools = others;
        return taken;
    }

    /// <summary>Adds the tools to the SDK's options, with the tool choice and parallel-call flag M.E.AI would set.</summary>
    public void AddTo(OpenAIChat.ChatCompletionOptions raw)
    {
        foreach (var tool in _tools)
        {
            raw.Tools.Add(tool);
        }
        raw.AllowParallelToolCalls ??= _allowMultipleToolCalls;
        raw.ToolChoice ??= _mode switch
        {
            NoneChatToolMode => OpenAIChat.ChatToolChoice.CreateNoneChoice(),
            RequiredChatToolMode { RequiredFunctionName: { } name } => OpenAIChat.ChatToolChoice.CreateFunctionChoice(name),
            RequiredChatToolMode => OpenAIChat.ChatToolChoice.CreateRequiredChoice(),
            _ => OpenAIChat.ChatToolChoice.CreateAutoChoice(),
        };
    }
}
