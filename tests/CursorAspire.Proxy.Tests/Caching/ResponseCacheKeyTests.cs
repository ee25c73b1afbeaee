using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Caching;

public sealed class ResponseCacheKeyTests
{
    private static string Key(Action<ChatOptions>? configure = null, List<ChatMessage>? messages = null, string partition = "key-a", string provider = "ollama", bool streaming = true)
    {
        var options = CacheTestData.Options(partition, configure);
        return ResponseCacheKeyBuilder.Compute(partition, provider, streaming, messages ?? CacheTestData.Conversation(), options);
    }

    [Fact]
    public void CacheKeyIsLowercaseSha256Hex()
    {
        var key = Key();
        Assert.Matches("^[0-9a-f]{64}$", key);
    }

    [Fact]
    public void CacheKeyIsStableForTheSameRequestBuiltTwice()
    {
        // Every object is rebuilt from scratch, as two HTTP requests with the same body would be.
        Assert.Equal(Key(), Key());
    }

    [Fact]
    public void CacheKeyIgnoresUserMetadataAndConversationIds()
    {
        var plain = Key();
        var withMetadata = Key(o =>
        {
            o.ConversationId = "2f0c6a4e-8b1d-4c3a-9e7f-5d2b1a0c9e88";
            o.AdditionalProperties = new AdditionalPropertiesDictionary
            {
                ["user"] = "5e1b7c0d9a4f4e2c8b3a1f6d2e7c9b0a",
                ["metadata"] = JsonSerializer.SerializeToElement(new { cursorConversationId = "2f0c6a4e" }),
                ["prompt_cache_retention"] = "24h",
            };
        });
        var otherUser = Key(o => o.AdditionalProperties = new AdditionalPropertiesDictionary { ["user"] = "someone-else" });

        Assert.Equal(plain, withMetadata);
        Assert.Equal(plain, otherUser);
    }

    [Fact]
    public void CacheKeyIgnoresMessageIdsAndTimestamps()
    {
        var messages = CacheTestData.Conversation();
        foreach (var message in messages)
        {
            message.MessageId = Guid.NewGuid().ToString();
            message.CreatedAt = DateTimeOffset.UtcNow;
        }

        Assert.Equal(Key(), Key(messages: messages));
    }

    [Fact]
    public void CacheKeyVariesByToolSchema()
    {
        var other = Key(o => o.Tools = [CacheTestData.ReadFileTool("The absolute path of the file."), CacheTestData.GrepTool()]);
        Assert.NotEqual(Key(), other);
    }

    [Fact]
    public void CacheKeyVariesByToolSetAndOrder()
    {
        var baseline = Key();
        Assert.NotEqual(baseline, Key(o => o.Tools = [CacheTestData.ReadFileTool()]));
        Assert.NotEqual(baseline, Key(o => o.Tools = [CacheTestData.GrepTool(), CacheTestData.ReadFileTool()]));
        Assert.NotEqual(baseline, Key(o => o.Tools = null));
    }

    [Fact]
    public void CacheKeyVariesByToolAdditionalProperties()
    {
        var strict = Key(o =>
        {
            var tool = CacheTestData.ReadFileTool();
            o.Tools = [new StrictTool((AIFunctionDeclaration)tool), CacheTestData.GrepTool()];
        });
        Assert.NotEqual(Key(), strict);
    }

    [Fact]
    public void CacheKeyVariesByToolChoice()
    {
        var keys = new[]
        {
            Key(o => o.ToolMode = ChatToolMode.Auto),
            Key(o => o.ToolMode = ChatToolMode.None),
            Key(o => o.ToolMode = ChatToolMode.RequireAny),
            Key(o => o.ToolMode = ChatToolMode.RequireSpecific("read_file")),
            Key(o => o.ToolMode = ChatToolMode.RequireSpecific("grep_search")),
            Key(o => o.ToolMode = null),
        };
        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void CacheKeyVariesByPartition()
    {
        Assert.NotEqual(Key(partition: "key-a"), Key(partition: "key-b"));
    }

    [Fact]
    public void CacheKeyVariesByProviderModelAndStreaming()
    {
        var baseline = Key();
        Assert.NotEqual(baseline, Key(provider: "openai"));
        Assert.NotEqual(baseline, Key(o => o.ModelId = "qwen3:8b"));
        Assert.NotEqual(baseline, Key(streaming: false));
    }

    public static TheoryData<string> OptionChanges() =>
    [
        "temperature", "top_p", "top_k", "max_tokens", "stop", "json", "json_schema", "reasoning_effort", "reasoning_output",
        "seed", "frequency_penalty", "presence_penalty", "parallel_tool_calls", "instructions", "extra_option",
    ];

    [Theory]
    [MemberData(nameof(OptionChanges))]
    public void CacheKeyVariesByGenerationOption(string change)
    {
        Action<ChatOptions> configure = change switch
        {
            "temperature" => o => o.Temperature = 0.2f,
            "top_p" => o => o.TopP = 0.9f,
            "top_k" => o => o.TopK = 40,
            "max_tokens" => o => o.MaxOutputTokens = 10,
            "stop" => o => o.StopSequences = ["</answer>"],
            "json" => o => o.ResponseFormat = ChatResponseFormat.Json,
            "json_schema" => o => o.ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonSerializer.SerializeToElement(new { type = "object" }), "answer"),
            "reasoning_effort" => o => o.Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High },
            "reasoning_output" => o => o.Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium, Output = ReasoningOutput.Full },
            "seed" => o => o.Seed = 7,
            "frequency_penalty" => o => o.FrequencyPenalty = 0.5f,
            "presence_penalty" => o => o.PresencePenalty = 0.5f,
            "parallel_tool_calls" => o => o.AllowMultipleToolCalls = false,
            "instructions" => o => o.Instructions = "Answer tersely.",
            "extra_option" => o => o.AdditionalProperties = new AdditionalPropertiesDictionary { ["verbosity"] = "low" },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

        Assert.NotEqual(Key(), Key(configure));
    }

    [Fact]
    public void CacheKeyVariesByToolCallIdsArgumentsAndResults()
    {
        var baseline = Key();

        var otherId = CacheTestData.Conversation();
        otherId[2] = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_other", "grep_search", new Dictionary<string, object?> { ["query"] = "TODO", ["include_pattern"] = "src/**" })]);
        var otherArgs = CacheTestData.Conversation();
        otherArgs[2] = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_9f2a1c0b7e3d4a5f", "grep_search", new Dictionary<string, object?> { ["query"] = "FIXME", ["include_pattern"] = "src/**" })]);
        var otherResult = CacheTestData.Conversation();
        otherResult[3] = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_9f2a1c0b7e3d4a5f", "no matches")]) { AuthorName = "grep_search" };

        Assert.NotEqual(baseline, Key(messages: otherId));
        Assert.NotEqual(baseline, Key(messages: otherArgs));
        Assert.NotEqual(baseline, Key(messages: otherResult));
    }

    [Fact]
    public void CacheKeyVariesByImageBytesNotByInstance()
    {
        static List<ChatMessage> WithImage(byte[] bytes) =>
        [
            new(ChatRole.User, [new TextContent("What is in this screenshot?"), new DataContent(bytes, "image/png")]),
        ];

        var pixels = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        var samePixels = (byte[])pixels.Clone();
        var otherPixels = (byte[])pixels.Clone();
        otherPixels[^1] ^= 0xFF;

        Assert.Equal(Key(messages: WithImage(pixels)), Key(messages: WithImage(samePixels)));
        Assert.NotEqual(Key(messages: WithImage(pixels)), Key(messages: WithImage(otherPixels)));
    }

    [Fact]
    public void CacheKeyCoversEveryByteOfMultiMegabyteRequests()
    {
        // Agent bodies reach several MB; the key must depend on all of it, not a prefix.
        var big = new string('x', 3 * 1024 * 1024);
        static List<ChatMessage> Conversation(string toolOutput) =>
        [
            new(ChatRole.User, "Summarise this file."),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", toolOutput)]),
        ];

        var key = Key(messages: Conversation(big + "a"));
        Assert.Equal(key, Key(messages: Conversation(big + "a")));
        Assert.NotEqual(key, Key(messages: Conversation(big + "b")));
    }

    [Fact]
    public void CacheKeyVariesByRoleAndText()
    {
        var baseline = Key();
        var otherText = CacheTestData.Conversation();
        otherText[1] = new ChatMessage(ChatRole.User, "Find the TODOs in test/ and fix the first one.");
        var otherRole = CacheTestData.Conversation();
        otherRole[0] = new ChatMessage(ChatRole.User, otherRole[0].Text);

        Assert.NotEqual(baseline, Key(messages: otherText));
        Assert.NotEqual(baseline, Key(messages: otherRole));
    }

    /// <summary>A declaration with a wire detail (OpenAI's <c>strict</c>) carried in its additional properties.</summary>
    private sealed class StrictTool(AIFunctionDeclaration inner) : AIFunctionDeclaration
    {
        private readonly IReadOnlyDictionary<string, object?> _properties = new Dictionary<string, object?> { ["strict"] = true };

        public override string Name => inner.Name;

        public override string Description => inner.Description;

        public override JsonElement JsonSchema => inner.JsonSchema;

        public override IReadOnlyDictionary<string, object?> AdditionalProperties => _properties;
    }
}
