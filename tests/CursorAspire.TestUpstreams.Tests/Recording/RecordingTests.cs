using CursorAspire.TestUpstreams.Fixtures;

namespace CursorAspire.TestUpstreams.Tests.Recording;

/// <summary>
/// What a stand-in records for assertions: the body's exact bytes (and how much two bodies share), and the system
/// prompt and tool results as they arrived, read out of each dialect.
/// </summary>
public sealed class RecordingTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    private static async Task<RecordedRequest> PostAsync(StandInServer server, string path, byte[] body)
    {
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await http.SendAsync(request, Deadline());
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Deadline()));
        return server.ChatRequests[^1];
    }

    [Fact]
    public async Task TheBodyIsKeptByteForByteAndTwoBodiesShareTheirCommonPrefix()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        // Escapes, spacing and non-ASCII as a client wrote them: a re-serialized body would differ.
        var first = Encoding.UTF8.GetBytes("""{ "model":"m",  "messages":[{"role":"system","content":"Caf\u00e9 – naïve \"quoted\""},{"role":"user","content":"one"}]}""");
        var second = Encoding.UTF8.GetBytes("""{ "model":"m",  "messages":[{"role":"system","content":"Caf\u00e9 – naïve \"quoted\""},{"role":"user","content":"two"}]}""");

        var a = await PostAsync(openai, "v1/chat/completions", first);
        var b = await PostAsync(openai, "v1/chat/completions", second);

        Assert.Equal(first, a.BodyBytes.ToArray());
        Assert.Equal(second, b.BodyBytes.ToArray());
        Assert.Equal(first.AsSpan().IndexOf("one"u8), a.SharedPrefixLength(b));
        Assert.Equal(["Café – naïve \"quoted\""], a.SystemTexts);
    }

    [Fact]
    public async Task ChatCompletionsSystemPromptAndToolResultsAreReadAsTheyArrived()
    {
        await using var openai = await OpenAIStandIn.StartAsync();

        var request = await PostAsync(openai, "v1/chat/completions", CursorFixtures.ReadBytes(CursorFixtures.AgentChatToolsMultiturn));
        var expected = CursorFixtures.Contents(CursorFixtures.AgentChatToolsMultiturn);

        Assert.Equal(WireDialect.ChatCompletions, request.Dialect);
        Assert.StartsWith("You are an AI coding assistant", Assert.Single(request.SystemTexts), StringComparison.Ordinal);
        Assert.Equal(expected.SystemTexts, request.SystemTexts);
        Assert.Equal(4, request.ToolResults.Count);
        Assert.Equal(expected.ToolResults.Select(r => (r.CallId, r.Text)), request.ToolResults.Select(r => (r.CallId, r.Text)));
        Assert.Equal("call_Q2hC8pXw3nZkYb1vLr0tMd5a", request.ToolResults[0].CallId);
    }

    [Fact]
    public async Task AnthropicSystemBlocksAndToolResultBlocksAreReadAsTheyArrived()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        var body = JsonNode.Parse(CursorFixtures.Read(CursorFixtures.AnthropicShapedAgentLoop))!.AsObject();
        foreach (var field in new[] { "stream", "stream_options", "n", "parallel_tool_calls", "temperature", "tools" })
        {
            body.Remove(field);
        }
        body["model"] = "claude-sonnet-4-5";
        RemoveCacheMarkers(body);

        var request = await PostAsync(anthropic, "v1/messages", Encoding.UTF8.GetBytes(body.ToJsonString()));
        var expected = CursorFixtures.Contents(CursorFixtures.AnthropicShapedAgentLoop);

        Assert.Equal(WireDialect.AnthropicMessages, request.Dialect);
        Assert.Equal(expected.SystemTexts, request.SystemTexts);
        Assert.Equal(
            expected.ToolResults.Select(r => (r.CallId, string.Join("|", r.Texts), r.ImageCount, r.IsError)),
            request.ToolResults.Select(r => (r.CallId, string.Join("|", r.Texts), r.ImageCount, r.IsError)));
        Assert.Equal([false, false, false, true, false, false], request.ToolResults.Select(r => r.IsError));
    }

    private static void RemoveCacheMarkers(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("cache_control");
                foreach (var (_, child) in obj)
                {
                    RemoveCacheMarkers(child);
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    RemoveCacheMarkers(child);
                }
                break;
        }
    }

    [Fact]
    public async Task OllamaToolResultsCarryNoCallId()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        var body = """{"model":"m","stream":false,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"ls"},{"role":"assistant","content":"","tool_calls":[{"function":{"name":"list_dir","arguments":{"path":"."}}}]},{"role":"tool","tool_name":"list_dir","content":"a.cs\nb.cs"}]}""";

        var request = await PostAsync(ollama, "api/chat", Encoding.UTF8.GetBytes(body));

        Assert.Equal(["Be brief."], request.SystemTexts);
        var result = Assert.Single(request.ToolResults);
        Assert.Null(result.CallId);
        Assert.Equal("a.cs\nb.cs", result.Text);
    }
}
