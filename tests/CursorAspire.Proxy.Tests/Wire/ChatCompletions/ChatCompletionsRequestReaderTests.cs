using CursorAspire.Proxy.Wire.ChatCompletions;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Wire.ChatCompletions;

public class ChatCompletionsRequestReaderTests
{
    /// <summary>The call's arguments as the proxy writes them back into a JSON text (compact, relaxed escaping).</summary>
    private static string WrittenBack(FunctionCallContent call)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CursorAspire.Proxy.Wire.Json.WireJson.ArgumentsWriterOptions))
        {
            CursorAspire.Proxy.Wire.Json.JsonValueWriting.WriteObject(writer, call.Arguments!, AIJsonUtilities.DefaultOptions);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static ParsedChatRequest Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        // Clone so the assertions may touch schemas after the document is gone.
        return ChatRequestReader.Read(document.RootElement.Clone());
    }

    [Fact]
    public void VerifyFixtureReadsAsNonStreamedTwoMessageRequest()
    {
        var request = Read(CursorFixtures.Read(CursorFixtures.Verify));

        Assert.Equal(RequestShape.ChatCompletions, request.Shape);
        Assert.Equal("gpt-4o-mini", request.Model);
        Assert.False(request.Stream);
        Assert.Equal(10, request.Options.MaxOutputTokens);
        Assert.Equal(1f, request.Options.Temperature);
        Assert.Equal([ChatRole.System, ChatRole.User], request.Messages.Select(m => m.Role));
        Assert.Equal("Test prompt using gpt-3.5-turbo", request.Messages[1].Text);
    }

    [Fact]
    public void AgentFixtureKeepsToolHistoryIntactWithByteExactIds()
    {
        var raw = CursorFixtures.Read(CursorFixtures.AgentChatToolsMultiturn);
        using var document = JsonDocument.Parse(raw);
        var request = Read(raw);

        var wireMessages = document.RootElement.GetProperty("messages");
        Assert.Equal(wireMessages.GetArrayLength(), request.Messages.Count);

        var wireCallIds = wireMessages.EnumerateArray()
            .Where(m => m.TryGetProperty("tool_calls", out _))
            .SelectMany(m => m.GetProperty("tool_calls").EnumerateArray())
            .Select(c => c.GetProperty("id").GetString()!)
            .ToList();
        var readCallIds = request.Messages.SelectMany(m => m.Contents.OfType<FunctionCallContent>()).Select(c => c.CallId).ToList();
        Assert.Equal(wireCallIds, readCallIds);

        var wireResults = wireMessages.EnumerateArray().Where(m => m.GetProperty("role").GetString() == "tool").ToList();
        var readResults = request.Messages.Where(m => m.Role == ChatRole.Tool).Select(m => Assert.IsType<FunctionResultContent>(Assert.Single(m.Contents))).ToList();
        Assert.Equal(wireResults.Select(r => r.GetProperty("tool_call_id").GetString()), readResults.Select(r => r.CallId));
        Assert.Equal(wireResults.Select(r => r.GetProperty("content").GetString()), readResults.Select(r => (string?)r.Result));

        // Parallel calls: one assistant turn with two calls, then two tool results.
        var parallel = request.Messages.First(m => m.Contents.OfType<FunctionCallContent>().Count() > 1);
        Assert.Equal(2, parallel.Contents.OfType<FunctionCallContent>().Count());

        var tools = request.Options.Tools!;
        Assert.Equal(document.RootElement.GetProperty("tools").GetArrayLength(), tools.Count);
        var readFile = Assert.IsAssignableFrom<AIFunctionDeclaration>(tools.Single(t => t.Name == "read_file"));
        Assert.Equal(JsonValueKind.Object, readFile.JsonSchema.GetProperty("properties").ValueKind);
        Assert.IsType<AutoChatToolMode>(request.Options.ToolMode);
        Assert.Equal(ReasoningEffort.Medium, request.Options.Reasoning?.Effort);
        Assert.True(request.Stream);
    }

    [Fact]
    public void ToolCallArgumentsAreParsed()
    {
        var request = Read("""
            {"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_AbC-123_xyz","type":"function","function":{"name":"grep","arguments":"{\"pattern\":\"def \\\"add\\\"\",\"n\":3}"}}]}]}
            """);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(request.Messages[0].Contents));
        Assert.Equal("call_AbC-123_xyz", call.CallId);
        Assert.Equal("def \"add\"", ((JsonElement)call.Arguments!["pattern"]!).GetString());
        Assert.Equal(3, ((JsonElement)call.Arguments["n"]!).GetInt32());
    }

    /// <summary>
    /// History arguments are parsed once, not deserialized: what the dictionary holds and how it is written back is what
    /// deserializing gave (a later duplicate wins, JSON null is null, values are elements written as they came), and
    /// arguments that are not an object are broken history, kept out of the request with the error on the call.
    /// </summary>
    [Theory]
    [InlineData("""{"a":1,"b":null,"c":{"d":[true,"é\u00e9 \"q\""]},"a":2}""", """{"a":2,"b":null,"c":{"d":[true,"éé \"q\""]}}""", false)]
    [InlineData("null", "{}", false)]
    [InlineData("[1,2]", "{}", true)]
    [InlineData("\"text\"", "{}", true)]
    [InlineData("{\"a\":\"\\ud800\"}", "{}", true)]
    public void HistoryArgumentsAreReadOnceAndWrittenBackAsDeserializingWould(string arguments, string writtenBack, bool broken)
    {
        var body = new JsonObject
        {
            ["model"] = "m",
            ["messages"] = new JsonArray(new JsonObject
            {
                ["role"] = "assistant",
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = "c1",
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = "grep", ["arguments"] = arguments },
                }),
            }),
        }.ToJsonString();

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(Read(body).Messages[0].Contents));

        Assert.Equal(broken, call.Exception is not null);
        Assert.Equal(writtenBack, WrittenBack(call));
    }

    [Fact]
    public void BrokenArgumentsInHistoryDoNotFailTheRequest()
    {
        var request = Read("""{"model":"m","messages":[{"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function","function":{"name":"grep","arguments":"{\"pattern\":"}}]}]}""");
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(request.Messages[0].Contents));
        Assert.NotNull(call.Exception);
    }

    [Fact]
    public void ContentAsStringNullAndPartsWithImages()
    {
        var request = Read("""
            {"model":"m","messages":[
              {"role":"user","content":"plain"},
              {"role":"assistant","content":null},
              {"role":"user","content":[{"type":"text","text":"look at "},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},{"type":"image_url","image_url":{"url":"https://example.com/a.png","detail":"high"}}]}
            ]}
            """);
        Assert.Equal("plain", request.Messages[0].Text);
        Assert.Empty(request.Messages[1].Contents);
        var parts = request.Messages[2].Contents;
        Assert.Equal("look at ", Assert.IsType<TextContent>(parts[0]).Text);
        var data = Assert.IsType<DataContent>(parts[1]);
        Assert.Equal("image/png", data.MediaType);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, data.Data.ToArray());
        Assert.Equal("https://example.com/a.png", Assert.IsType<UriContent>(parts[2]).Uri.ToString());
    }

    [Fact]
    public void DeveloperRoleIsSystemAndToolResultPartsAreJoined()
    {
        var request = Read("""{"model":"m","messages":[{"role":"developer","content":"rules"},{"role":"tool","tool_call_id":"c","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}]}""");
        Assert.Equal(ChatRole.System, request.Messages[0].Role);
        Assert.Equal("ab", Assert.IsType<FunctionResultContent>(request.Messages[1].Contents[0]).Result);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[],"tools":null}""")]
    [InlineData("""{"model":"m","messages":[],"tools":[]}""")]
    [InlineData("""{"model":"m","messages":[]}""")]
    public void NullEmptyOrAbsentToolsMeanNoTools(string json) => Assert.Null(Read(json).Options.Tools);

    [Fact]
    public void FlatAndNestedToolsInOneArray()
    {
        var request = Read("""
            {"model":"m","messages":[],"tools":[
              {"type":"function","function":{"name":"nested","description":"n","parameters":{"type":"object","properties":{"a":{"type":"string"}}}}},
              {"type":"function","name":"flat","description":"f","parameters":{"type":"object","properties":{"b":{"type":"number"}}},"strict":false},
              {"type":"web_search_preview"}
            ]}
            """);
        Assert.Equal(["nested", "flat"], request.Options.Tools!.Select(t => t.Name));
        var flat = Assert.IsAssignableFrom<AIFunctionDeclaration>(request.Options.Tools![1]);
        Assert.Equal("number", flat.JsonSchema.GetProperty("properties").GetProperty("b").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("\"none\"", typeof(NoneChatToolMode), null)]
    [InlineData("\"auto\"", typeof(AutoChatToolMode), null)]
    [InlineData("\"required\"", typeof(RequiredChatToolMode), null)]
    [InlineData("""{"type":"function","function":{"name":"grep"}}""", typeof(RequiredChatToolMode), "grep")]
    [InlineData("""{"type":"function","name":"grep"}""", typeof(RequiredChatToolMode), "grep")]
    public void ToolChoiceForms(string choice, Type expected, string? name)
    {
        var mode = Read($$"""{"model":"m","messages":[],"tool_choice":{{choice}}}""").Options.ToolMode;
        Assert.IsType(expected, mode);
        if (name is not null)
        {
            Assert.Equal(name, ((RequiredChatToolMode)mode!).RequiredFunctionName);
        }
    }

    [Fact]
    public void UnknownFieldsAndOptionalKnobsAreAccepted()
    {
        var request = Read("""
            {"model":"m","messages":[{"role":"user","content":"hi"}],"n":1,"user":"u","logprobs":false,"future_field":{"x":[1]},
             "stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":77,"stop":"END","seed":7,"top_p":0.5,
             "parallel_tool_calls":false,"response_format":{"type":"json_object"},"reasoning_effort":"high"}
            """);
        Assert.True(request.IncludeUsage);
        Assert.Equal(77, request.Options.MaxOutputTokens);
        Assert.Equal(["END"], request.Options.StopSequences!);
        Assert.Equal(7, request.Options.Seed);
        Assert.Equal(0.5f, request.Options.TopP);
        Assert.False(request.Options.AllowMultipleToolCalls);
        Assert.IsType<ChatResponseFormatJson>(request.Options.ResponseFormat);
        Assert.Equal(ReasoningEffort.High, request.Options.Reasoning?.Effort);
    }

    [Theory]
    [InlineData("""{"model":"m"}""", "messages")]
    [InlineData("""{"model":"m","messages":"hi"}""", "messages")]
    [InlineData("""{"model":"m","messages":[42]}""", "messages[0]")]
    [InlineData("""{"model":"m","messages":[{"content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"wizard","content":"x"}]}""", "messages[0].role")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":42}]}""", "messages[0].content")]
    [InlineData("""{"model":"m","messages":[],"tools":[{"type":"function","function":{}}]}""", "tools[0].function.name")]
    public void MalformedBodiesNameTheOffendingMember(string json, string param)
    {
        var error = Assert.Throws<WireFormatException>(() => Read(json));
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void CustomToolCallInHistoryKeepsItsRawPatchAsInput()
    {
        const string patch = "*** Begin Patch\n*** Update File: a.py\n@@\n-x\n+y\n*** End Patch";
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["model"] = "m",
            ["tools"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"type":"custom","name":"ApplyPatch","format":{"type":"grammar","syntax":"lark","definition":"start: x"}}]"""),
            ["messages"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["role"] = "assistant",
                ["tool_calls"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                {
                    ["id"] = "call_patch",
                    ["type"] = "function",
                    ["function"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "ApplyPatch", ["arguments"] = patch },
                }),
            }),
        }.ToJsonString();

        var call = Assert.IsType<FunctionCallContent>(Assert.Single(Read(body).Messages[0].Contents));

        Assert.Null(call.Exception);
        Assert.Equal(patch, call.Arguments![ToolDefinitionReader.CustomToolInputParameter]?.ToString());
    }
}
