namespace CursorAspire.TestUpstreams.Tests.Anthropic;

/// <summary>The Anthropic stand-in's own wire format, read raw over HTTP: what any Messages API client would see.</summary>
public class AnthropicStandInTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static async Task<(HttpResponseMessage Response, string Body)> PostAsync(AnthropicStandIn standIn, JsonObject body, string? apiKey = "k", string? version = "2023-06-01")
    {
        using var http = new HttpClient { BaseAddress = standIn.BaseUri, Timeout = Deadline };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }
        if (version is not null)
        {
            request.Headers.Add("anthropic-version", version);
        }
        var response = await http.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static JsonObject Request(bool stream) => new()
    {
        ["model"] = "claude-sonnet-4-5",
        ["max_tokens"] = 1024,
        ["stream"] = stream,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }),
    };

    private static List<(string Event, JsonElement Data)> Events(string body) =>
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e =>
        {
            var lines = e.Split('\n');
            Assert.StartsWith("event: ", lines[0]);
            Assert.StartsWith("data: ", lines[1]);
            var data = JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement;
            var name = lines[0]["event: ".Length..];
            Assert.Equal(name, data.GetProperty("type").GetString()); // the data repeats the event name
            return (name, data);
        }).ToList();

    [Fact]
    public async Task StreamSendsNamedEventsInTheMessagesApiOrder()
    {
        await using var standIn = await AnthropicStandIn.StartAsync();
        standIn.Enqueue(new StandInReply
        {
            ReasoningChunks = ["Hm", "m."],
            TextChunks = ["Hel", "lo"],
            ToolCalls = [new StandInToolCall("read_file", """{"path":"src/a.cs","lines":[1,20]}""", "toolu_01X")],
            Usage = new StandInUsage(40, 9),
        });

        var (response, body) = await PostAsync(standIn, Request(stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = Events(body);
        Assert.Equal(
            ["message_start", "ping",
             "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
             "content_block_start", .. Enumerable.Repeat("content_block_delta", events.Count(e => e.Data.TryGetProperty("delta", out var d) && d.TryGetProperty("partial_json", out _))), "content_block_stop",
             "message_delta", "message_stop"],
            events.Select(e => e.Event));
        var start = events[0].Data.GetProperty("message");
        Assert.Equal(40, start.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(JsonValueKind.Null, start.GetProperty("stop_reason").ValueKind);

        var blocks = events.Where(e => e.Event == "content_block_start").Select(e => e.Data).ToList();
        Assert.Equal([0, 1, 2], blocks.Select(b => b.GetProperty("index").GetInt32()));
        Assert.Equal(["thinking", "text", "tool_use"], blocks.Select(b => b.GetProperty("content_block").GetProperty("type").GetString()));
        Assert.Equal("toolu_01X", blocks[2].GetProperty("content_block").GetProperty("id").GetString());
        Assert.Equal("read_file", blocks[2].GetProperty("content_block").GetProperty("name").GetString());

        var deltas = events.Where(e => e.Event == "content_block_delta").Select(e => e.Data.GetProperty("delta")).ToList();
        Assert.Equal("Hmm.", string.Concat(deltas.Where(d => d.GetProperty("type").GetString() == "thinking_delta").Select(d => d.GetProperty("thinking").GetString())));
        Assert.Single(deltas, d => d.GetProperty("type").GetString() == "signature_delta");
        Assert.Equal("Hello", string.Concat(deltas.Where(d => d.GetProperty("type").GetString() == "text_delta").Select(d => d.GetProperty("text").GetString())));
        var fragments = deltas.Where(d => d.GetProperty("type").GetString() == "input_json_delta").Select(d => d.GetProperty("partial_json").GetString()).ToList();
        Assert.True(fragments.Count(f => f!.Length > 0) > 1, "tool arguments arrive in several fragments");
        Assert.Equal("""{"path":"src/a.cs","lines":[1,20]}""", string.Concat(fragments));

        var messageDelta = events.Single(e => e.Event == "message_delta").Data;
        Assert.Equal("tool_use", messageDelta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(9, messageDelta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Theory]
    [InlineData(null, "end_turn")]
    [InlineData("max_tokens", "max_tokens")]
    public async Task NonStreamedReplyIsOneMessage(string? scripted, string expectedStop)
    {
        await using var standIn = await AnthropicStandIn.StartAsync();
        standIn.Enqueue(StandInReply.FromText("Hel", "lo") with { FinishReason = scripted, Usage = new StandInUsage(7, 2) });

        var (response, body) = await PostAsync(standIn, Request(stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = JsonNode.Parse(body)!;
        Assert.Equal("message", (string?)message["type"]);
        Assert.Equal("assistant", (string?)message["role"]);
        Assert.StartsWith("msg_", (string?)message["id"]);
        Assert.Equal("claude-sonnet-4-5", (string?)message["model"]);
        Assert.Equal("Hello", (string?)message["content"]![0]!["text"]);
        Assert.Equal(expectedStop, (string?)message["stop_reason"]);
        Assert.Equal(7, (int)message["usage"]!["input_tokens"]!);
        Assert.Equal(2, (int)message["usage"]!["output_tokens"]!);
    }

    [Fact]
    public async Task ErrorsUseAnthropicsShapeStatusAndRetryAfter()
    {
        await using var standIn = await AnthropicStandIn.StartAsync(new AnthropicStandInOptions { ApiKey = "k" });
        standIn.Enqueue(StandInReply.FromError(429, "slow down", TimeSpan.FromSeconds(2.5)));

        var (limited, limitedBody) = await PostAsync(standIn, Request(stream: true));
        var (wrongKey, wrongKeyBody) = await PostAsync(standIn, Request(stream: true), apiKey: "nope");
        var (noVersion, noVersionBody) = await PostAsync(standIn, Request(stream: true), version: null);
        var noMax = Request(stream: false);
        noMax.Remove("max_tokens");
        var (missingMax, missingMaxBody) = await PostAsync(standIn, noMax);

        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("3", limited.Headers.GetValues("Retry-After").Single());
        AssertError(limitedBody, "rate_limit_error", "slow down");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        AssertError(wrongKeyBody, "authentication_error", "invalid x-api-key");
        Assert.Equal(HttpStatusCode.BadRequest, noVersion.StatusCode);
        AssertError(noVersionBody, "invalid_request_error", "anthropic-version: header is required");
        Assert.Equal(HttpStatusCode.BadRequest, missingMax.StatusCode);
        AssertError(missingMaxBody, "invalid_request_error", "max_tokens: Field required");
    }

    private static void AssertError(string body, string type, string message)
    {
        var error = JsonNode.Parse(body)!;
        Assert.Equal("error", (string?)error["type"]);
        Assert.Equal(type, (string?)error["error"]!["type"]);
        Assert.Equal(message, (string?)error["error"]!["message"]);
    }
}
