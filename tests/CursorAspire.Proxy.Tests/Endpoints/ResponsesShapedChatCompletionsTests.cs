namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// Cursor's agent mode end to end: a Responses-shaped body (the recorded fixture) posted to <c>…/chat/completions</c>
/// over real HTTP, answered by an OpenAI stand-in, and the reply asserted to be a Chat Completions stream.
/// </summary>
public sealed class ResponsesShapedChatCompletionsTests(GarnetServerFixture garnet) : IClassFixture<GarnetServerFixture>
{
    private const string Patch = "*** Begin Patch\n*** Update File: /home/dev/shop-api/src/cart.py\n@@\n-        self.items = []\n+        self.items: dict[str, int] = {}\n*** End Patch";

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static string Fixture() => CursorFixtures.Read(CursorFixtures.ResponsesShapedAgent);

    private static async Task<(HttpResponseMessage Response, List<string> Events)> PostStreamAsync(HttpClient http, string path, string body)
    {
        var response = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), Deadline());
        var text = await response.Content.ReadAsStringAsync(Deadline());
        return (response, text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToList());
    }

    private static JsonElement Data(string sseEvent)
    {
        Assert.StartsWith("data: ", sseEvent);
        return JsonDocument.Parse(sseEvent["data: ".Length..]).RootElement;
    }

    [Fact]
    public async Task TheCursorAgentFixtureStreamsBackAsChatCompletionChunks()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        proxy.Upstream.Enqueue(StandInReply.FromText("I'll ", "edit ", "cart.py.") with { Usage = new StandInUsage(900, 6) });

        var (response, events) = await PostStreamAsync(proxy.CreateClient(), "cursor/v1/chat/completions", Fixture());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events.SkipLast(1).Select(Data).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(chunks, c => Assert.Equal("gpt-5.5", c.GetProperty("model").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var text = string.Concat(chunks
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out _))
            .Select(d => d.GetProperty("content").GetString()));
        Assert.Equal("I'll edit cart.py.", text);
        Assert.Equal("stop", chunks[^2].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[^1].GetProperty("choices").GetArrayLength());
        Assert.Equal(906, chunks[^1].GetProperty("usage").GetProperty("total_tokens").GetInt32());

        // What the model saw: the Responses items as a Chat Completions conversation.
        var upstream = (await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline())).JsonElement!.Value;
        var messages = upstream.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user", "user", "assistant", "tool", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("call_Q2hC8pXw3nZkYb1vLr0tMd5a", messages[3].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("call_Q2hC8pXw3nZkYb1vLr0tMd5a", messages[4].GetProperty("tool_call_id").GetString());
        Assert.Contains("class Cart:", messages[4].GetProperty("content").ToString());
        var tools = upstream.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function")).ToList();
        Assert.Equal(["ReadFile", "Shell", "ApplyPatch"], tools.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("string", tools[2].GetProperty("parameters").GetProperty("properties").GetProperty("input").GetProperty("type").GetString());
        Assert.True(upstream.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task AModelsApplyPatchCallIsHandedToCursorAsAFunctionCallWithTheRawPatch()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        proxy.Upstream.Enqueue(StandInReply.FromToolCalls(
            new StandInToolCall("ApplyPatch", JsonSerializer.Serialize(new { input = Patch }), Id: "call_patch_1"),
            new StandInToolCall("Shell", """{"command":"pytest -q"}""", Id: "call_shell_2")));

        var (response, events) = await PostStreamAsync(proxy.CreateClient(), "v1/chat/completions", Fixture());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var calls = events.SkipLast(1).Select(Data)
            .Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("tool_calls", out _))
            .Select(d => d.GetProperty("tool_calls")[0])
            .ToList();
        Assert.Equal(4, calls.Count);
        Assert.Equal("call_patch_1", calls[0].GetProperty("id").GetString());
        Assert.Equal("function", calls[0].GetProperty("type").GetString());
        Assert.Equal("ApplyPatch", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(Patch, calls[1].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("call_shell_2", calls[2].GetProperty("id").GetString());
        Assert.Equal("""{"command":"pytest -q"}""", calls[3].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Contains(events, e => e.Contains("\"finish_reason\":\"tool_calls\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ThePatchCallComingBackInTheNextTurnReachesTheModelAsItsOwnCall()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();
        proxy.Upstream.Enqueue(StandInReply.FromText("Patched."));
        var body = JsonSerializer.Serialize(new
        {
            model = "gpt-5.5",
            stream = false,
            tools = new object[] { new { type = "custom", name = "ApplyPatch", description = "Patch." } },
            input = new object[]
            {
                new { role = "user", content = "fix it" },
                new { type = "custom_tool_call", call_id = "call_patch_1", name = "ApplyPatch", input = Patch },
                new { type = "custom_tool_call_output", call_id = "call_patch_1", output = "Success. Updated: cart.py" },
            },
        });

        var response = await proxy.CreateClient().PostAsync("chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), Deadline());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var completion = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Deadline())).RootElement;
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.Equal("Patched.", completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        var messages = (await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline())).JsonElement!.Value.GetProperty("messages");
        var call = messages[1].GetProperty("tool_calls")[0];
        Assert.Equal("call_patch_1", call.GetProperty("id").GetString());
        Assert.Equal(Patch, JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("input").GetString());
        Assert.Equal("Success. Updated: cart.py", messages[2].GetProperty("content").ToString());
    }

    [Fact]
    public async Task PreviousResponseIdOnChatCompletionsContinuesAConversationStoredByTheResponsesApi()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString);
        proxy.Upstream.Enqueue(StandInReply.FromText("Noted, Ada."), StandInReply.FromText("Ada."));
        var first = await proxy.CreateClient().PostAsync("v1/responses",
            new StringContent("""{"model":"remote","input":"My name is Ada."}""", Encoding.UTF8, "application/json"), Deadline());
        var id = JsonDocument.Parse(await first.Content.ReadAsStringAsync(Deadline())).RootElement.GetProperty("id").GetString();

        var second = await proxy.CreateClient().PostAsync("v1/chat/completions", new StringContent(
            $$"""{"model":"remote","previous_response_id":"{{id}}","input":[{"role":"user","content":"My name?"}]}""",
            Encoding.UTF8, "application/json"), Deadline());

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline());
        var messages = (await proxy.Upstream.NextChatRequestAsync(cancellationToken: Deadline())).JsonElement!.Value.GetProperty("messages");
        Assert.Equal(["user", "assistant", "user"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("My name is Ada.", messages[0].GetProperty("content").ToString());
        Assert.Equal("Noted, Ada.", messages[1].GetProperty("content").ToString());
    }

    /// <summary>An unknown <c>previous_response_id</c> is a 404 and a malformed input item a 400, in OpenAI's error shape, before any upstream call.</summary>
    [Theory]
    [InlineData("""{"model":"gpt-5.5","previous_response_id":"resp_missing","input":"hi","stream":true}""", HttpStatusCode.NotFound, "previous_response_not_found", "previous_response_id")]
    [InlineData("""{"model":"gpt-5.5","input":[{"type":"function_call_output","output":"x"}]}""", HttpStatusCode.BadRequest, null, "input[0].call_id")]
    public async Task ARequestTheProxyRefusesIsAnErrorInOpenAIsShapeAndNeverReachesTheUpstream(string body, HttpStatusCode expected, string? code, string param)
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync();

        var (status, error) = await PostForErrorAsync(proxy, body);

        Assert.Equal(expected, status);
        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(0, proxy.Upstream.CallCount);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Error)> PostForErrorAsync(ProxyHost proxy, string json)
    {
        using var response = await proxy.CreateClient().PostAsync("v1/chat/completions", new StringContent(json, Encoding.UTF8, "application/json"), Deadline());
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Deadline())).RootElement.GetProperty("error");
        return (response.StatusCode, error);
    }
}
