using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Wire.ChatCompletions;

namespace CursorAspire.Proxy.Tests.Wire.Anthropic;

// Over 300 lines because it is the dialect's golden table: one test per block type and per top-level member, and the
// fixtures whole; split, the reader's contract would be read in several places.

/// <summary>
/// Golden tests of the Anthropic-shaped dialect on <c>/chat/completions</c>, block type by block type: what each block
/// becomes in the one <see cref="ParsedChatRequest"/> all shapes end in.
/// </summary>
public class AnthropicRequestReaderTests
{
    private const string PngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGN44+EBRww4OQBjPhHRP6OUigAAAABJRU5ErkJggg==";

    private static ParsedChatRequest Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ChatRequestReader.Read(document.RootElement.Clone());
    }

    private static ParsedChatRequest ReadMessages(string messagesJson, string extra = "") =>
        Read("{\"model\":\"anthropic-claude-sonnet-4-5\",\"system\":\"Be brief.\"," + extra + "\"messages\":" + messagesJson + "}");

    private static WireFormatException Refused(string json) => Assert.Throws<WireFormatException>(() => Read(json));

    [Fact]
    public void SystemBlocksBecomeTheSystemMessageOneTextPerBlockWithTheirMarks()
    {
        var request = Read("""
            {"model":"m","system":[{"type":"text","text":"You are Cursor's agent.","cache_control":{"type":"ephemeral"}},{"type":"text","text":"<user_rules>tabs</user_rules>"}],
             "messages":[{"role":"user","content":"hi"}]}
            """);

        Assert.Equal(RequestShape.Anthropic, request.Shape);
        var system = request.Messages[0];
        Assert.Equal(ChatRole.System, system.Role);
        var texts = system.Contents.Cast<TextContent>().ToList();
        Assert.Equal(["You are Cursor's agent.", "<user_rules>tabs</user_rules>"], texts.Select(t => t.Text));
        Assert.True(ClientCacheBreakpoints.IsMarked(texts[0]));
        Assert.False(ClientCacheBreakpoints.IsMarked(texts[1]));
        Assert.Equal([ChatRole.System, ChatRole.User], request.Messages.Select(m => m.Role));
    }

    [Fact]
    public void SystemAsAStringIsOneSystemMessage()
    {
        var request = ReadMessages("""[{"role":"user","content":"hi"}]""");

        Assert.Equal("Be brief.", request.Messages[0].Text);
        Assert.Equal(ChatRole.System, request.Messages[0].Role);
    }

    [Fact]
    public void InputSchemaToolsBecomeDeclarationsAndKeepTheClientsMark()
    {
        var request = Read("""
            {"model":"m","messages":[{"role":"user","content":"hi"}],
             "tools":[{"name":"read_file","description":"Read a file.","input_schema":{"type":"object","properties":{"target_file":{"type":"string"}},"required":["target_file"]}},
                      {"name":"grep","description":"Search.","input_schema":{"type":"object","properties":{"pattern":{"type":"string"}}},"cache_control":{"type":"ephemeral"}}]}
            """);

        Assert.Equal(RequestShape.Anthropic, request.Shape);
        var tools = request.Options.Tools!.Cast<AIFunctionDeclaration>().ToList();
        Assert.Equal(["read_file", "grep"], tools.Select(t => t.Name));
        Assert.Equal("Read a file.", tools[0].Description);
        Assert.Equal("target_file", tools[0].JsonSchema.GetProperty("required")[0].GetString());
        Assert.False(ClientCacheBreakpoints.IsMarked(tools[0]));
        Assert.True(ClientCacheBreakpoints.IsMarked(tools[1]));
        Assert.Equal("pattern", tools[1].JsonSchema.GetProperty("properties").EnumerateObject().Single().Name);
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", "auto")]
    [InlineData("""{"type":"any"}""", "any")]
    [InlineData("""{"type":"none"}""", "none")]
    [InlineData("""{"type":"tool","name":"grep"}""", "grep")]
    public void ToolChoiceObjectsMapToToolModes(string choice, string expected)
    {
        var request = Read("{\"model\":\"m\",\"tool_choice\":" + choice + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        Assert.Equal(RequestShape.Anthropic, request.Shape);
        switch (expected)
        {
            case "auto": Assert.IsType<AutoChatToolMode>(request.Options.ToolMode); break;
            case "none": Assert.IsType<NoneChatToolMode>(request.Options.ToolMode); break;
            case "any": Assert.Null(Assert.IsType<RequiredChatToolMode>(request.Options.ToolMode).RequiredFunctionName); break;
            default: Assert.Equal(expected, Assert.IsType<RequiredChatToolMode>(request.Options.ToolMode).RequiredFunctionName); break;
        }
    }

    [Fact]
    public void TextAndImageBlocksOfAUserMessage()
    {
        var request = ReadMessages($$$"""
            [{"role":"user","content":[{"type":"text","text":"Look:","cache_control":{"type":"ephemeral"}},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{PngBase64}}}"}},
              {"type":"image","source":{"type":"url","url":"https://example.com/mock.png"}}]}]
            """);

        var user = request.Messages[1];
        Assert.Equal(ChatRole.User, user.Role);
        Assert.Equal("Look:", Assert.IsType<TextContent>(user.Contents[0]).Text);
        Assert.True(ClientCacheBreakpoints.IsMarked(user.Contents[0]));
        var data = Assert.IsType<DataContent>(user.Contents[1]);
        Assert.Equal("image/png", data.MediaType);
        Assert.Equal(Convert.FromBase64String(PngBase64), data.Data.ToArray());
        var url = Assert.IsType<UriContent>(user.Contents[2]);
        Assert.Equal(new Uri("https://example.com/mock.png"), url.Uri);
    }

    [Fact]
    public void ToolUseBlocksBecomeToolCallsWithTheirIdsAndInput()
    {
        var request = ReadMessages("""
            [{"role":"user","content":"fix it"},
             {"role":"assistant","content":[{"type":"text","text":"Reading both."},
               {"type":"tool_use","id":"toolu_01HXZ0CgUOo6afrKHumUhw82","name":"read_file","input":{"target_file":"src/cart.py","lines":[1,2]}},
               {"type":"tool_use","id":"toolu_01rhox2L5oMpZnYXwGAcCEsw","name":"grep","input":{}}]}]
            """);

        var assistant = request.Messages[2];
        Assert.Equal(ChatRole.Assistant, assistant.Role);
        Assert.Equal("Reading both.", Assert.IsType<TextContent>(assistant.Contents[0]).Text);
        var calls = assistant.Contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal(["toolu_01HXZ0CgUOo6afrKHumUhw82", "toolu_01rhox2L5oMpZnYXwGAcCEsw"], calls.Select(c => c.CallId));
        Assert.Equal("src/cart.py", ((JsonElement)calls[0].Arguments!["target_file"]!).GetString());
        Assert.Equal(2, ((JsonElement)calls[0].Arguments!["lines"]!).GetArrayLength());
        Assert.Empty(calls[1].Arguments!);
    }

    [Fact]
    public void ToolResultWithStringContentIsAToolMessageOfThatText()
    {
        var request = ReadMessages("""
            [{"role":"assistant","content":[{"type":"tool_use","id":"toolu_A","name":"read_file","input":{}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_A","content":"     1|class Cart:\n"}]}]
            """);

        var tool = request.Messages[^1];
        Assert.Equal(ChatRole.Tool, tool.Role);
        var result = Assert.IsType<FunctionResultContent>(Assert.Single(tool.Contents));
        Assert.Equal("toolu_A", result.CallId);
        Assert.Equal("     1|class Cart:\n", result.Result);
        Assert.Null(result.Exception);
    }

    [Fact]
    public void ToolResultWithTextBlocksIsTheirTextJoinedAsItIs()
    {
        var request = ReadMessages("""
            [{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_A","content":[{"type":"text","text":"line one\n"},{"type":"text","text":"line two"}]}]}]
            """);

        Assert.Equal("line one\nline two", Assert.IsType<FunctionResultContent>(request.Messages[^1].Contents.Single()).Result);
    }

    [Fact]
    public void ToolResultWithBlockContentAndAnImageKeepsTextAndImageInOrder()
    {
        var request = ReadMessages($$$"""
            [{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_B","cache_control":{"type":"ephemeral"},
              "content":[{"type":"text","text":"Image file: docs/checkout.png"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"{{{PngBase64}}}"}}]}]}]
            """);

        var result = Assert.IsType<FunctionResultContent>(request.Messages[^1].Contents.Single());
        var parts = Assert.IsAssignableFrom<IList<AIContent>>(result.Result);
        Assert.Equal("Image file: docs/checkout.png", Assert.IsType<TextContent>(parts[0]).Text);
        Assert.Equal("image/png", Assert.IsType<DataContent>(parts[1]).MediaType);
        Assert.True(ClientCacheBreakpoints.IsMarked(result));
    }

    [Fact]
    public void ToolResultMarkedAsAnErrorKeepsItsTextAndIsMarkedFailed()
    {
        var request = ReadMessages("""
            [{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_C","is_error":true,"content":"Command failed.\nExit code: 1"}]}]
            """);

        var result = Assert.IsType<FunctionResultContent>(request.Messages[^1].Contents.Single());
        Assert.Equal("Command failed.\nExit code: 1", result.Result);
        Assert.IsType<ClientToolFailureException>(result.Exception);
    }

    [Fact]
    public void ToolResultsComeFirstAndWhatElseTheUserSaidFollowsAsAUserMessage()
    {
        var request = ReadMessages("""
            [{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_A","content":"a"},{"type":"tool_result","tool_use_id":"toolu_B","content":"b"},
              {"type":"text","text":"Also compare the mock:"},{"type":"image","source":{"type":"url","url":"https://example.com/m.png"}}]}]
            """);

        Assert.Equal([ChatRole.System, ChatRole.Tool, ChatRole.Tool, ChatRole.User], request.Messages.Select(m => m.Role));
        Assert.Equal(["toolu_A", "toolu_B"], request.Messages.Where(m => m.Role == ChatRole.Tool).Select(m => ((FunctionResultContent)m.Contents[0]).CallId));
        Assert.Equal("Also compare the mock:", request.Messages[^1].Text);
        Assert.IsType<UriContent>(request.Messages[^1].Contents[1]);
    }

    [Fact]
    public void ThinkingBlocksAreTheClientsCopyWithTheirSignatures()
    {
        var request = ReadMessages("""
            [{"role":"assistant","content":[{"type":"thinking","thinking":"Read the file first.","signature":"c2lnbmF0dXJl"},
              {"type":"redacted_thinking","data":"cmVkYWN0ZWQ="},
              {"type":"tool_use","id":"toolu_A","name":"read_file","input":{"target_file":"a.py"}}]}]
            """);

        var assistant = request.Messages[^1];
        var reasoning = assistant.Contents.OfType<TextReasoningContent>().ToList();
        Assert.Equal(2, reasoning.Count);
        Assert.Equal("Read the file first.", reasoning[0].Text);
        Assert.Equal("c2lnbmF0dXJl", reasoning[0].ProtectedData);
        Assert.Equal(string.Empty, reasoning[1].Text);
        Assert.Equal("cmVkYWN0ZWQ=", reasoning[1].ProtectedData);
        Assert.All(reasoning, r => Assert.True(ReasoningEcho.IsEcho(r)));
        Assert.Equal("toolu_A", assistant.Contents.OfType<FunctionCallContent>().Single().CallId);
    }

    [Fact]
    public void ThinkTagsTheProxyShowedComeBackAsAnEchoNotAsText()
    {
        var request = ReadMessages("""
            [{"role":"assistant","content":[{"type":"text","text":"<think>plan</think>\n\nDone."},{"type":"tool_use","id":"toolu_A","name":"grep","input":{}}]}]
            """);

        var assistant = request.Messages[^1];
        var echo = Assert.IsType<TextReasoningContent>(assistant.Contents[0]);
        Assert.Equal("plan", echo.Text);
        Assert.True(ReasoningEcho.IsEcho(echo));
        Assert.Equal("Done.", Assert.IsType<TextContent>(assistant.Contents[1]).Text);
    }

    [Theory]
    [InlineData("""{"type":"enabled","budget_tokens":1024}""", ReasoningEffort.Low)]
    [InlineData("""{"type":"enabled","budget_tokens":8000}""", ReasoningEffort.Medium)]
    [InlineData("""{"type":"enabled","budget_tokens":16384}""", ReasoningEffort.High)]
    [InlineData("""{"type":"enabled","budget_tokens":40000}""", ReasoningEffort.ExtraHigh)]
    [InlineData("""{"type":"disabled"}""", ReasoningEffort.None)]
    [InlineData("""{"type":"adaptive"}""", ReasoningEffort.Medium)]
    public void AnthropicThinkingBecomesAnEffort(string thinking, ReasoningEffort effort)
    {
        var request = ReadMessages("""[{"role":"user","content":"hi"}]""", "\"thinking\":" + thinking + ",");

        Assert.Equal(effort, request.Options.Reasoning!.Effort);
    }

    [Fact]
    public void OpenAIFieldsMixedInReadAsInChatCompletions()
    {
        var request = ReadMessages("""[{"role":"user","content":"hi"}]""",
            "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":4096,\"temperature\":0,\"n\":1,\"parallel_tool_calls\":true,\"reasoning\":{\"effort\":\"high\"},\"thinking\":{\"type\":\"disabled\"},\"stop_sequences\":[\"END\"],\"top_k\":5,");

        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal(4096, request.Options.MaxOutputTokens);
        Assert.Equal(0f, request.Options.Temperature);
        Assert.True(request.Options.AllowMultipleToolCalls);
        Assert.Equal(ReasoningEffort.High, request.Options.Reasoning!.Effort); // the OpenAI field wins over thinking
        Assert.Equal(["END"], request.Options.StopSequences);
        Assert.Equal(5, request.Options.TopK);
    }

    [Fact]
    public void TheAgentLoopFixtureReadsWholeWithByteExactIdsAndResults()
    {
        var raw = CursorFixtures.Read(CursorFixtures.AnthropicShapedAgentLoop);
        using var document = JsonDocument.Parse(raw);
        var request = Read(raw);
        var sent = CursorFixtures.Contents(CursorFixtures.AnthropicShapedAgentLoop);

        Assert.Equal(RequestShape.Anthropic, request.Shape);
        Assert.Equal("anthropic-claude-sonnet-4-5", request.Model);
        Assert.Equal(sent.SystemTexts, request.Messages[0].Contents.Cast<TextContent>().Select(t => t.Text));
        var wireIds = document.RootElement.GetProperty("messages").EnumerateArray()
            .SelectMany(m => m.GetProperty("content").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "tool_use")
            .Select(b => b.GetProperty("id").GetString())
            .ToList();
        Assert.Equal(wireIds, request.Messages.SelectMany(m => m.Contents.OfType<FunctionCallContent>()).Select(c => c.CallId));
        var results = request.Messages.Where(m => m.Role == ChatRole.Tool).Select(m => (FunctionResultContent)m.Contents.Single()).ToList();
        Assert.Equal(sent.ToolResults.Select(r => r.CallId), results.Select(r => r.CallId));
        Assert.Equal(sent.ToolResults.Select(r => r.Text), results.Select(ResultText));
        Assert.Equal(sent.ToolResults.Select(r => r.IsError), results.Select(r => r.Exception is ClientToolFailureException));
        Assert.Equal(sent.ToolResults.Select(r => r.ImageCount), results.Select(r => r.Result is IList<AIContent> parts ? parts.Count(p => p is DataContent or UriContent) : 0));
        Assert.Equal(document.RootElement.GetProperty("tools").GetArrayLength(), request.Options.Tools!.Count);
        Assert.IsType<AutoChatToolMode>(request.Options.ToolMode);
        Assert.Equal(4096, request.Options.MaxOutputTokens);
        // Four assistant turns, three of them with a signed thinking block or redacted data, all kept as the client's copy.
        Assert.Equal(4, request.Messages.Count(m => m.Role == ChatRole.Assistant));
        Assert.Equal(4, request.Messages.SelectMany(m => m.Contents.OfType<TextReasoningContent>()).Count(r => r.ProtectedData is { Length: > 0 }));
        // Cursor's markers: both system blocks, the last tool, and the message blocks it marked.
        var marked = request.Messages.SelectMany(m => m.Contents).Count(ClientCacheBreakpoints.IsMarked) + request.Options.Tools!.Count(ClientCacheBreakpoints.IsMarked);
        Assert.Equal(8, marked);
    }

    [Fact]
    public void TheFirstTurnFixtureReadsAsAnthropicShaped()
    {
        var request = Read(CursorFixtures.Read(CursorFixtures.AnthropicShapedFirstTurn));
        var sent = CursorFixtures.Contents(CursorFixtures.AnthropicShapedFirstTurn);

        Assert.Equal(RequestShape.Anthropic, request.Shape);
        Assert.Equal(sent.SystemTexts, request.Messages[0].Contents.Cast<TextContent>().Select(t => t.Text));
        Assert.Contains(request.Messages, m => m.Contents.OfType<DataContent>().Any());
    }

    [Theory]
    [InlineData("""{"model":"m","system":"s","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"model":"m","tools":[{"name":"t","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"model":"m","tool_choice":{"type":"auto"},"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"t","input":{}}]}]}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":"x"}]}]}""")]
    [InlineData("""{"model":"m","messages":[{"role":"assistant","content":[{"type":"thinking","thinking":"x","signature":"s"}]}]}""")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://e.com/a.png"}}]}]}""")]
    public void AnyOneSignIsEnough(string json) => Assert.Equal(RequestShape.Anthropic, Read(json).Shape);

    [Theory]
    [InlineData(CursorFixtures.Verify)]
    [InlineData(CursorFixtures.AskChatStream)]
    [InlineData(CursorFixtures.AgentChatToolsMultiturn)]
    public void ChatCompletionsBodiesStayChatCompletions(string fixture) =>
        Assert.Equal(RequestShape.ChatCompletions, Read(CursorFixtures.Read(fixture)).Shape);

    [Fact]
    public void ChatCompletionsToolChoiceObjectIsNotASign() =>
        Assert.Equal(RequestShape.ChatCompletions, Read("""{"model":"m","tool_choice":{"type":"function","function":{"name":"t"}},"messages":[{"role":"user","content":"hi"}]}""").Shape);

    [Theory]
    [InlineData("""[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]""", "messages[0].content[0].tool_use_id")]
    [InlineData("""[{"role":"assistant","content":[{"type":"tool_use","id":"a","input":{}}]}]""", "messages[0].content[0].name")]
    [InlineData("""[{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"t","input":"{}"}]}]""", "messages[0].content[0].input")]
    [InlineData("""[{"role":"user","content":[{"type":"image","source":{"type":"base64","data":"AAAA"}}]}]""", "messages[0].content[0].source.media_type")]
    [InlineData("""[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"text/plain","data":"AAAA"}}]}]""", "messages[0].content[0].source.data")]
    [InlineData("""[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"@@@"}}]}]""", "messages[0].content[0].source.data")]
    [InlineData("""[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"file:///etc/passwd"}}]}]""", "messages[0].content[0].source.url")]
    [InlineData("""[{"role":"user","content":[{"type":"image"}]}]""", "messages[0].content[0].source")]
    [InlineData("""[{"role":"user","content":[{"type":"tool_result","tool_use_id":"a","content":5}]}]""", "messages[0].content[0].content")]
    [InlineData("""[{"role":"user","content":[{"type":"tool_result","tool_use_id":"a","is_error":"yes"}]}]""", "messages[0].content[0].is_error")]
    [InlineData("""[{"role":"user","content":[{"type":"text","text":"x","cache_control":"ephemeral"}]}]""", "messages[0].content[0].cache_control")]
    [InlineData("""[{"role":"assistant","content":[{"type":"redacted_thinking"}]}]""", "messages[0].content[0].data")]
    [InlineData("""[{"role":"robot","content":"x"}]""", "messages[0].role")]
    public void MalformedBlocksAreRefusedNamingTheField(string messages, string param) =>
        Assert.Equal(param, Refused("{\"model\":\"m\",\"system\":\"s\",\"messages\":" + messages + "}").Param);

    [Theory]
    [InlineData("\"system\":5,", "system")]
    [InlineData("\"system\":[{\"type\":\"text\",\"text\":7}],", "system[0].text")]
    [InlineData("\"tools\":[{\"name\":\"t\",\"input_schema\":\"object\"}],", "tools[0].input_schema")]
    [InlineData("\"tools\":[{\"input_schema\":{\"type\":\"object\"}}],", "tools[0].name")]
    [InlineData("\"tool_choice\":{\"type\":\"tool\"},", "tool_choice.name")]
    [InlineData("\"stop_sequences\":[1],", "stop_sequences[0]")]
    [InlineData("\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":\"lots\"},", "thinking.budget_tokens")]
    public void MalformedTopLevelMembersAreRefusedNamingTheField(string member, string param) =>
        Assert.Equal(param, Refused("{\"model\":\"m\"," + member + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"a\",\"content\":\"x\"}]}]}").Param);

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        string text => text,
        IList<AIContent> parts => string.Concat(parts.OfType<TextContent>().Select(t => t.Text)),
        _ => throw new InvalidOperationException(),
    };
}
