using CursorAspire.Proxy.Wire.ChatCompletions;
using CursorAspire.Proxy.Wire.Responses;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Wire.Responses;

// Over 300 lines because every item type and shape of a Responses body has its case here, against the one reader.

/// <summary>Golden tests of the Responses-shaped wire-in stage: a JSON string in, asserted M.E.AI messages and options out.</summary>
public sealed class ResponsesRequestReaderTests
{
    // Not disposed: tool declarations keep the request's schema elements, as the endpoints keep the body alive.
    private static ParsedChatRequest Read(string json) => ChatRequestReader.Read(JsonDocument.Parse(json).RootElement);

    private static string TextOf(ChatMessage message) => string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));

    private static string RawInput(FunctionCallContent call) => call.Arguments!["input"] switch
    {
        string s => s,
        JsonElement e => e.GetString()!,
        var other => throw new InvalidOperationException($"unexpected {other}"),
    };

    [Fact]
    public void BodyWithInputIsReadAsResponsesShape()
    {
        var request = Read("""{"model":"m","input":"hi"}""");
        Assert.Equal(RequestShape.Responses, request.Shape);
        Assert.Equal("m", request.Model);
    }

    [Fact]
    public void BareStringInputIsOneUserMessage()
    {
        var request = Read("""{"model":"m","input":"Explain this code"}""");
        var message = Assert.Single(request.Messages);
        Assert.Equal(ChatRole.User, message.Role);
        Assert.Equal("Explain this code", TextOf(message));
    }

    [Fact]
    public void InstructionsComeFirstThenSystemAndDeveloperItemsInOrder()
    {
        var request = Read("""
            {"model":"m","instructions":"Be terse.","input":[
              {"role":"system","content":"S1"},
              {"role":"user","content":"U1"},
              {"type":"message","role":"developer","content":[{"type":"input_text","text":"D1"}]}
            ]}
            """);
        Assert.Equal(3, request.Messages.Count);
        Assert.Equal(ChatRole.System, request.Messages[0].Role);
        Assert.Equal("Be terse.", TextOf(request.Messages[0]));
        Assert.True(ResponsesRequestReader.IsInstructions(request.Messages[0]));
        Assert.Equal(ChatRole.System, request.Messages[1].Role);
        Assert.Equal("S1\n\nD1", TextOf(request.Messages[1]));
        Assert.False(ResponsesRequestReader.IsInstructions(request.Messages[1]));
        Assert.Equal(ChatRole.User, request.Messages[2].Role);
        Assert.Equal("U1", TextOf(request.Messages[2]));
    }

    [Fact]
    public void MessagesWithAndWithoutTypeAndEveryContentFormAreRead()
    {
        var request = Read("""
            {"model":"m","input":[
              {"role":"user","content":"plain string"},
              {"type":"message","role":"user","content":[{"type":"input_text","text":"part one"},{"type":"input_text","text":" part two"}]},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"answer","annotations":[]}]},
              {"role":"user","content":[
                {"type":"input_text","text":"look:"},
                {"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo="},
                {"type":"input_image","image_url":"https://example.com/a.png","detail":"auto"}
              ]}
            ]}
            """);
        Assert.Equal(4, request.Messages.Count);
        Assert.Equal("plain string", TextOf(request.Messages[0]));
        Assert.Equal("part one part two", TextOf(request.Messages[1]));
        Assert.Equal(ChatRole.Assistant, request.Messages[2].Role);
        Assert.Equal("answer", TextOf(request.Messages[2]));
        var parts = request.Messages[3].Contents;
        Assert.Equal(3, parts.Count);
        Assert.Equal("look:", Assert.IsType<TextContent>(parts[0]).Text);
        Assert.Equal("image/png", Assert.IsType<DataContent>(parts[1]).MediaType);
        Assert.Equal(new Uri("https://example.com/a.png"), Assert.IsType<UriContent>(parts[2]).Uri);
    }

    [Fact]
    public void ConsecutiveFunctionCallsFormOneAssistantTurnWithThePrecedingTextAndByteExactIds()
    {
        const string longId = "call_Q2hC8pXw3nZkYb1vLr0tMd5a|fc_68a1b2c3d4e5f60718293a4b5c6d7e8f|Ünïcode";
        var request = Read($$"""
            {"model":"m","input":[
              {"role":"user","content":"go"},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Reading both."}]},
              {"type":"function_call","call_id":"{{longId}}","name":"ReadFile","arguments":"{\"path\":\"a.py\"}"},
              {"type":"function_call","id":"fc_2","call_id":"call_b","name":"Grep","arguments":"{\"pattern\":\"TODO\"}"},
              {"type":"function_call_output","call_id":"{{longId}}","output":"print(1)"},
              {"type":"function_call_output","call_id":"call_b","output":[{"type":"input_text","text":"a.py:1: TODO"}]}
            ]}
            """);
        Assert.Equal(4, request.Messages.Count);
        var assistant = request.Messages[1];
        Assert.Equal(ChatRole.Assistant, assistant.Role);
        Assert.Equal(3, assistant.Contents.Count);
        Assert.Equal("Reading both.", Assert.IsType<TextContent>(assistant.Contents[0]).Text);
        var first = Assert.IsType<FunctionCallContent>(assistant.Contents[1]);
        Assert.Equal(longId, first.CallId);
        Assert.Equal("ReadFile", first.Name);
        Assert.Equal("a.py", first.Arguments!["path"]!.ToString());
        var second = Assert.IsType<FunctionCallContent>(assistant.Contents[2]);
        Assert.Equal("call_b", second.CallId);

        var result1 = Assert.IsType<FunctionResultContent>(Assert.Single(request.Messages[2].Contents));
        Assert.Equal(ChatRole.Tool, request.Messages[2].Role);
        Assert.Equal(longId, result1.CallId);
        Assert.Equal("print(1)", result1.Result);
        var result2 = Assert.IsType<FunctionResultContent>(Assert.Single(request.Messages[3].Contents));
        Assert.Equal("call_b", result2.CallId);
        Assert.Equal("a.py:1: TODO", result2.Result);
    }

    [Fact]
    public void AssistantTextAfterToolResultsStartsANewTurnThatLaterCallsJoin()
    {
        var request = Read("""
            {"model":"m","input":[
              {"role":"user","content":"go"},
              {"type":"function_call","call_id":"c1","name":"ReadFile","arguments":"{}"},
              {"type":"function_call_output","call_id":"c1","output":"x"},
              {"role":"assistant","content":"Now editing."},
              {"type":"function_call","call_id":"c2","name":"Shell","arguments":"{\"command\":\"ls\"}"}
            ]}
            """);
        Assert.Equal(4, request.Messages.Count);
        Assert.IsType<FunctionCallContent>(Assert.Single(request.Messages[1].Contents));
        Assert.Equal(ChatRole.Tool, request.Messages[2].Role);
        var turn = request.Messages[3];
        Assert.Equal(ChatRole.Assistant, turn.Role);
        Assert.Equal("Now editing.", Assert.IsType<TextContent>(turn.Contents[0]).Text);
        Assert.Equal("c2", Assert.IsType<FunctionCallContent>(turn.Contents[1]).CallId);
    }

    [Fact]
    public void CustomToolCallItemsBecomeFunctionCallsWithTheRawInputAndResults()
    {
        const string patch = "*** Begin Patch\n*** Update File: a.py\n@@\n-x = {1}\n+x = {2}\n*** End Patch";
        var request = Read($$$"""
            {"model":"m",
             "tools":[{"type":"custom","name":"ApplyPatch","format":{"type":"grammar","syntax":"lark","definition":"start: x"}}],
             "input":[
              {"role":"user","content":"edit"},
              {"type":"custom_tool_call","call_id":"call_p","name":"ApplyPatch","input":{{{JsonSerializer.Serialize(patch)}}}},
              {"type":"custom_tool_call_output","call_id":"call_p","output":"Done"}
            ]}
            """);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(request.Messages[1].Contents));
        Assert.Equal("call_p", call.CallId);
        Assert.Equal("ApplyPatch", call.Name);
        Assert.Equal(patch, RawInput(call));
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(request.Messages[2].Contents));
        Assert.Equal("call_p", result.CallId);
        Assert.Equal("Done", result.Result);
    }

    [Fact]
    public void FunctionCallHistoryOfACustomToolWithRawArgumentsIsWrappedAgain()
    {
        // How Cursor returns a call we handed back as a function envelope with the raw patch in arguments.
        const string patch = "*** Begin Patch\n*** Add File: b.py\n+print(2)\n*** End Patch";
        var request = Read($$"""
            {"model":"m",
             "tools":[{"type":"custom","name":"ApplyPatch"}],
             "input":[
              {"role":"user","content":"edit"},
              {"type":"function_call","call_id":"c1","name":"ApplyPatch","arguments":{{JsonSerializer.Serialize(patch)}}},
              {"type":"function_call","call_id":"c2","name":"ApplyPatch","arguments":"{\"input\":\"*** Begin Patch\\n*** End Patch\"}"}
            ]}
            """);
        var calls = request.Messages[1].Contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal(patch, RawInput(calls[0]));
        Assert.Null(calls[0].Exception);
        Assert.Equal("*** Begin Patch\n*** End Patch", RawInput(calls[1]));
    }

    [Fact]
    public void ReasoningItemsAreCarriedAsReasoningContentAndEncryptedOnlyOnesSkipped()
    {
        var request = Read("""
            {"model":"m","input":[
              {"role":"user","content":"go"},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"Plan: read the file."}]},
              {"type":"function_call","call_id":"c1","name":"ReadFile","arguments":"{}"},
              {"type":"function_call_output","call_id":"c1","output":"x"},
              {"type":"reasoning","id":"rs_2","summary":[],"encrypted_content":"gAAAAB..."},
              {"type":"reasoning","id":"rs_3","summary":[],"content":[{"type":"reasoning_text","text":"thinking alone"}]},
              {"role":"user","content":"next"}
            ]}
            """);
        // user, assistant(reasoning + call), tool, user: the reasoning-only turn is dropped.
        Assert.Equal(4, request.Messages.Count);
        var assistant = request.Messages[1];
        Assert.Equal("Plan: read the file.", Assert.IsType<TextReasoningContent>(assistant.Contents[0]).Text);
        Assert.IsType<FunctionCallContent>(assistant.Contents[1]);
        Assert.Equal(ChatRole.User, request.Messages[3].Role);
        Assert.DoesNotContain(request.Messages, m => m.Contents.OfType<TextReasoningContent>().Any(r => r.Text == "thinking alone"));
    }

    [Fact]
    public void FlatNestedAndCustomToolsInOneArrayAreAllOffered()
    {
        var request = Read("""
            {"model":"m","input":"x","tools":[
              {"type":"function","name":"ReadFile","description":"Read.","parameters":{"type":"object","properties":{"path":{"type":"string"}}},"strict":false},
              {"type":"function","function":{"name":"grep","description":"Search.","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}},
              {"type":"custom","name":"ApplyPatch","description":"Patch.","format":{"type":"grammar","syntax":"lark","definition":"start: begin_patch"}},
              {"type":"web_search"}
            ],"tool_choice":"auto"}
            """);
        var tools = request.Options.Tools!.Cast<AIFunctionDeclaration>().ToList();
        Assert.Equal(["ReadFile", "grep", "ApplyPatch"], tools.Select(t => t.Name));
        Assert.Equal("string", tools[0].JsonSchema.GetProperty("properties").GetProperty("path").GetProperty("type").GetString());
        Assert.Equal("string", tools[2].JsonSchema.GetProperty("properties").GetProperty("input").GetProperty("type").GetString());
        Assert.Contains("start: begin_patch", tools[2].Description);
        Assert.Equal(["ApplyPatch"], request.CustomToolNames);
        Assert.Equal(ChatToolMode.Auto, request.Options.ToolMode);
    }

    [Fact]
    public void NullToolsMeanNoTools()
    {
        var request = Read("""{"model":"m","input":"x","tools":null,"tool_choice":null}""");
        Assert.Null(request.Options.Tools);
        Assert.Empty(request.CustomToolNames);
    }

    [Fact]
    public void CursorFieldsAreAcceptedAndReasoningUsageAndContinuationAreRead()
    {
        var request = Read("""
            {"model":"gpt-5.5","input":"x","stream":true,"stream_options":{"include_usage":true},
             "include":["reasoning.encrypted_content"],"reasoning":{"effort":"medium","summary":"auto"},
             "text":{"verbosity":"low"},"metadata":{"cursorConversationId":"2f0c"},"user":"u1",
             "prompt_cache_retention":"24h","store":false,"truncation":"auto","previous_response_id":"resp_abc",
             "max_output_tokens":256,"parallel_tool_calls":false,"brand_new_field":{"x":1}}
            """);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal(ReasoningEffort.Medium, request.Options.Reasoning?.Effort);
        Assert.False(request.Store);
        Assert.Equal("resp_abc", request.PreviousResponseId);
        Assert.Equal(256, request.Options.MaxOutputTokens);
        Assert.False(request.Options.AllowMultipleToolCalls);
        Assert.Null(request.Options.ResponseFormat);
    }

    [Fact]
    public void StoreDefaultsToTrueAndNoPreviousResponse()
    {
        var request = Read("""{"model":"m","input":"x"}""");
        Assert.True(request.Store);
        Assert.Null(request.PreviousResponseId);
        Assert.False(request.IncludeUsage);
    }

    [Fact]
    public void UnknownItemTypesAreSkipped()
    {
        var request = Read("""
            {"model":"m","input":[
              {"type":"item_reference","id":"msg_1"},
              {"type":"web_search_call","id":"ws_1","status":"completed"},
              {"role":"user","content":"hi"}
            ]}
            """);
        Assert.Equal("hi", TextOf(Assert.Single(request.Messages)));
    }

    [Theory]
    [InlineData("""{"model":"m","input":42}""", "input")]
    [InlineData("""{"model":"m","input":[{"content":"no role or type"}]}""", "input[0].type")]
    [InlineData("""{"model":"m","input":["bare string item"]}""", "input[0]")]
    [InlineData("""{"model":"m","input":[{"type":"function_call","name":"f","arguments":"{}"}]}""", "input[0].call_id")]
    [InlineData("""{"model":"m","input":[{"role":"robot","content":"x"}]}""", "input[0].role")]
    [InlineData("""{"model":"m","input":[{"role":"user","content":"ok"},{"role":"user","content":7}]}""", "input[1].content")]
    public void MalformedInputIsAWireFormatErrorNamingTheMember(string json, string param)
    {
        var error = Assert.Throws<WireFormatException>(() => Read(json));
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void CursorAgentFixtureBecomesTheExpectedConversation()
    {
        var request = Read(CursorFixtures.Read(CursorFixtures.ResponsesShapedAgent));

        Assert.Equal("gpt-5.5", request.Model);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal(6, request.Messages.Count);
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant],
            request.Messages.Select(m => m.Role));
        Assert.StartsWith("You are an AI coding assistant", TextOf(request.Messages[0]));
        Assert.Contains("<user_query>", TextOf(request.Messages[2]));
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(request.Messages[3].Contents));
        Assert.Equal("call_Q2hC8pXw3nZkYb1vLr0tMd5a", call.CallId);
        Assert.Equal("/home/dev/shop-api/src/cart.py", call.Arguments!["path"]!.ToString());
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(request.Messages[4].Contents));
        Assert.Equal("call_Q2hC8pXw3nZkYb1vLr0tMd5a", result.CallId);
        Assert.StartsWith("     1|class Cart:", (string)result.Result!);
        Assert.Equal("I'll switch items to a dict keyed by SKU.", TextOf(request.Messages[5]));
        Assert.Equal(["ReadFile", "Shell", "ApplyPatch"], request.Options.Tools!.Select(t => t.Name));
        Assert.Equal(["ApplyPatch"], request.CustomToolNames);
        Assert.Equal(ReasoningEffort.Medium, request.Options.Reasoning?.Effort);
    }

}
