namespace CursorAspire.TestUpstreams.Tests.OpenAI;

/// <summary>
/// The OpenAI-compatible stand-in's thinking vendors (Kimi K2, GLM, MiniMax-M2), read raw over HTTP: how each sends its
/// reasoning, and what each does with a history that lost it.
/// </summary>
public sealed class ThinkingVendorTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(OpenAIStandIn standIn, JsonObject body)
    {
        using var http = new HttpClient();
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(standIn.ApiBaseUri, "chat/completions"), content, Deadline());
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Deadline()));
    }

    private static JsonObject Request(string model, bool stream, params JsonNode[] history)
    {
        var messages = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = "You are a coding agent." },
            new JsonObject { ["role"] = "user", ["content"] = "Fix the cart." });
        foreach (var message in history)
        {
            messages.Add(message.DeepClone());
        }
        return new JsonObject { ["model"] = model, ["stream"] = stream, ["messages"] = messages };
    }

    private static StandInReply ToolTurn(string callId) => new()
    {
        ReasoningChunks = ["I should read ", "cart.py first."],
        ToolCalls = [new StandInToolCall("read_file", """{"path":"src/cart.py"}""", callId)],
    };

    /// <summary>The assistant message of a non-streamed completion.</summary>
    private static JsonObject Message(string body) => JsonNode.Parse(body)!["choices"]![0]!["message"]!.AsObject();

    /// <summary>The deltas of a streamed completion, in order.</summary>
    private static List<JsonObject> Deltas(string body) =>
        [.. body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e != "data: [DONE]")
            .Select(e => JsonNode.Parse(e["data: ".Length..])!["choices"]!.AsArray())
            .Where(c => c.Count > 0)
            .Select(c => c[0]!["delta"]!.AsObject())];

    /// <summary>The assistant message as a client that keeps everything sends it back, plus the tool's result.</summary>
    private static JsonNode[] History(JsonObject assistant, string callId) =>
    [
        assistant.DeepClone(),
        new JsonObject { ["role"] = "tool", ["tool_call_id"] = callId, ["content"] = "class Cart: ..." },
    ];

    private static void AssertMoonshotError(string body, string message)
    {
        // Moonshot's error object carries a message and a type, nothing else.
        var error = JsonNode.Parse(body)!["error"]!.AsObject();
        Assert.Equal(message, (string?)error["message"]);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal(["message", "type"], error.Select(p => p.Key));
    }

    [Fact]
    public async Task KimiStreamsReasoningContentAndRefusesAToolTurnWithoutItInMoonshotsWords()
    {
        await using var standIn = await OpenAIStandIn.StartAsync();
        standIn.Enqueue(ToolTurn("functions.read_file:0"));

        var (status, body) = await PostAsync(standIn, Request("kimi-k2-thinking", stream: true));
        var deltas = Deltas(body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("I should read cart.py first.", string.Concat(deltas.Select(d => (string?)d["reasoning_content"])));
        var stripped = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = "",
            ["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = "functions.read_file:0", ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = "read_file", ["arguments"] = """{"path":"src/cart.py"}""" },
            }),
        };
        var (refusedStatus, refused) = await PostAsync(standIn, Request("kimi-k2-thinking", stream: true, History(stripped, "functions.read_file:0")));
        Assert.Equal(HttpStatusCode.BadRequest, refusedStatus);
        // Index 2: the system message counts.
        AssertMoonshotError(refused, "thinking is enabled but reasoning_content is missing in assistant tool call message at index 2");

        var kept = (JsonObject)stripped.DeepClone();
        kept["reasoning_content"] = "I should read cart.py first.";
        var (keptStatus, _) = await PostAsync(standIn, Request("kimi-k2-thinking", stream: true, History(kept, "functions.read_file:0")));
        Assert.Equal(HttpStatusCode.OK, keptStatus);
        Assert.Equal(ReasoningReturnStatus.Intact, Assert.Single(standIn.ChatRequests[^1].ReasoningReturns).Status);
    }

    [Fact]
    public async Task KimiWithThinkingDisabledSendsNoReasoningAndTakesAnyHistory()
    {
        await using var standIn = await OpenAIStandIn.StartAsync();
        standIn.Enqueue(ToolTurn("call_kimi_1"));
        var off = new JsonObject { ["type"] = "disabled" };

        var request = Request("kimi-k2.6", stream: false);
        request["thinking"] = off.DeepClone();
        var (_, body) = await PostAsync(standIn, request);
        var message = Message(body);
        Assert.Null(message["reasoning_content"]);

        var next = Request("kimi-k2.6", stream: false, History(message, "call_kimi_1"));
        next["thinking"] = off.DeepClone();
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(standIn, next)).Status);
    }

    [Fact]
    public async Task KimiRefusesAForcedToolChoiceWhileThinking()
    {
        await using var standIn = await OpenAIStandIn.StartAsync();
        var request = Request("kimi-k2.6", stream: false);
        request["tool_choice"] = "required";

        var (status, body) = await PostAsync(standIn, request);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        AssertMoonshotError(body, "tool_choice specified is incompatible with thinking enabled");
        Assert.Equal(0, standIn.PendingReplies);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GlmSendsReasoningContentAndRecordsWhetherItCameBack(bool stream)
    {
        await using var standIn = await OpenAIStandIn.StartAsync();
        standIn.Enqueue(ToolTurn("call_glm_1"), ToolTurn("call_glm_2"), ToolTurn("call_glm_3"), StandInReply.FromText("Done."));

        var first = Message((await PostAsync(standIn, Request("glm-4.6", stream: false))).Body);
        Assert.Equal("I should read cart.py first.", (string?)first["reasoning_content"]);

        // Turn 2 brings the reasoning back; turn 3 drops it; turn 4 alters it.
        var second = Message((await PostAsync(standIn, Request("glm-4.6", stream: false, History(first, "call_glm_1")))).Body);
        var withoutReasoning = (JsonObject)second.DeepClone();
        withoutReasoning.Remove("reasoning_content");
        var third = Message((await PostAsync(standIn, Request("glm-4.6", stream: false,
            [.. History(first, "call_glm_1"), .. History(withoutReasoning, "call_glm_2")]))).Body);
        var altered = (JsonObject)third.DeepClone();
        altered["reasoning_content"] = "I should read cart.py first. ";
        var (status, _) = await PostAsync(standIn, Request("glm-4.6", stream,
            [.. History(first, "call_glm_1"), .. History(withoutReasoning, "call_glm_2"), .. History(altered, "call_glm_3")]));

        Assert.Equal(HttpStatusCode.OK, status); // GLM's API takes it: the stand-in only records it
        var requests = standIn.ChatRequests;
        Assert.Empty(requests[0].ReasoningReturns);
        Assert.Equal(ReasoningReturnStatus.Intact, Assert.Single(requests[1].ReasoningReturns).Status);
        Assert.Equal(
            [(2, "call_glm_1", ReasoningReturnStatus.Intact), (4, "call_glm_2", ReasoningReturnStatus.Missing), (6, "call_glm_3", ReasoningReturnStatus.Altered)],
            requests[3].ReasoningReturns.Select(r => (r.MessageIndex, r.ToolCallId, r.Status)));
        var violation = requests[3].ReasoningViolations[1];
        Assert.Equal("I should read cart.py first.", violation.Sent);
        Assert.Equal("I should read cart.py first. ", violation.Returned);
    }

    [Fact]
    public async Task GlmWithThinkingDisabledStreamsNoReasoning()
    {
        await using var standIn = await OpenAIStandIn.StartAsync();
        standIn.Enqueue(new StandInReply { ReasoningChunks = ["hidden"], TextChunks = ["Hi"] });
        var request = Request("glm-4.6", stream: true);
        request["thinking"] = new JsonObject { ["type"] = "disabled", ["clear_thinking"] = false };

        var deltas = Deltas((await PostAsync(standIn, request)).Body);

        Assert.DoesNotContain(deltas, d => d.ContainsKey("reasoning_content"));
        Assert.Equal("Hi", string.Concat(deltas.Select(d => (string?)d["content"])));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MiniMaxOpensContentWithItsThinkBlock(bool stream)
    {
        await using var standIn = await OpenAIStandIn.StartAsync();
        standIn.Enqueue(ToolTurn("call_mm_1") with { TextChunks = ["Reading it."] });

        var (_, body) = await PostAsync(standIn, Request("MiniMax-M2", stream));

        var content = stream
            ? string.Concat(Deltas(body).Select(d => (string?)d["content"]))
            : (string?)Message(body)["content"];
        Assert.Equal("<think>\nI should read cart.py first.\n</think>\n\nReading it.", content);
        Assert.DoesNotContain("reasoning_content", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MiniMaxRecordsAStrippedThinkBlockAndStrictModeRefusesIt()
    {
        await using var lenient = await OpenAIStandIn.StartAsync();
        await using var strict = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { StrictReasoningReturn = true });
        foreach (var standIn in new[] { lenient, strict })
        {
            standIn.Enqueue(ToolTurn("call_mm_2"));
        }

        var first = Message((await PostAsync(lenient, Request("MiniMax-M2", stream: false))).Body);
        await PostAsync(strict, Request("MiniMax-M2", stream: false));
        var stripped = (JsonObject)first.DeepClone();
        stripped["content"] = "";

        var (lenientStatus, _) = await PostAsync(lenient, Request("MiniMax-M2", stream: false, History(stripped, "call_mm_2")));
        var (strictStatus, strictBody) = await PostAsync(strict, Request("MiniMax-M2", stream: false, History(stripped, "call_mm_2")));
        var (intactStatus, _) = await PostAsync(strict, Request("MiniMax-M2", stream: false, History(first, "call_mm_2")));

        Assert.Equal(HttpStatusCode.OK, lenientStatus); // MiniMax's API takes it, and reasons without its thinking
        var missing = Assert.Single(lenient.ChatRequests[^1].ReasoningViolations);
        Assert.Equal((ReasoningReturnStatus.Missing, "call_mm_2", ""), (missing.Status, missing.ToolCallId, missing.Returned));
        Assert.StartsWith("<think>\nI should read cart.py first.\n</think>", missing.Sent, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, strictStatus);
        var error = JsonNode.Parse(strictBody)!["error"]!;
        Assert.Equal("reasoning_not_returned", (string?)error["code"]);
        Assert.Contains("index 2 (tool call call_mm_2)", (string?)error["message"], StringComparison.Ordinal);
        Assert.Contains("<think>", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, intactStatus);
    }

    [Fact]
    public async Task PlainModelsKeepNoReasoningRecord()
    {
        await using var standIn = await OpenAIStandIn.StartAsync();
        standIn.Enqueue(ToolTurn("call_plain"));
        var first = Message((await PostAsync(standIn, Request("gpt-4o-mini", stream: false))).Body);
        first.Remove("reasoning_content");

        var (status, _) = await PostAsync(standIn, Request("gpt-4o-mini", stream: false, History(first, "call_plain")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(standIn.ChatRequests[^1].ReasoningReturns);
    }
}
