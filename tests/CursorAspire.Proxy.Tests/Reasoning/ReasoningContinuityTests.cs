// The OpenAI .NET client's Responses API is experimental (OPENAI001); used on purpose as a strict consumer.
#pragma warning disable OPENAI001

using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI.Responses;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Reasoning;

// Over 300 lines because these are the rules of one stage, reasoning continuity, each through the real proxy and a
// thinking stand-in; what they share (the agent, the upstream, a metric listener) is in this folder.

/// <summary>
/// The rules around reasoning continuity: one key never sees another's reasoning, reasoning that is gone is not a dead
/// end, the echo of shown reasoning never goes upstream as text, stored conversations keep their reasoning, and the
/// dashboard can tell restores from misses.
/// </summary>
[Collection(GarnetCollection.Name)]
public sealed class ReasoningContinuityTests(GarnetServerFixture garnet)
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task AnotherKeysCallIdsGetNoneOfItsReasoning()
    {
        await using var upstream = await ThinkingUpstream.StartAsync("Anthropic");
        var owner = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: true);
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(1));
        await owner.NextAsync(Deadline());

        // Key B replays key A's history, call ids included.
        var intruder = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyB, responsesShaped: false, stream: true);
        intruder.History.AddRange(owner.History);
        upstream.Server.Enqueue(ThinkingUpstream.Answer());
        var answer = await intruder.NextAsync(Deadline());

        Assert.EndsWith("Done: all files read.", answer.Content);
        var request = upstream.Server.ChatRequests[^1];
        var assistant = Assert.Single(upstream.AssistantMessages(request));
        Assert.Null(assistant.Reasoning);
        // Without the signed thinking the API would refuse the turn, so this one request goes without extended thinking.
        Assert.Null(request.Json!["thinking"]);
        Assert.DoesNotContain(ThinkingUpstream.ReasoningOf(1), request.Body);

        // The owner still gets it back.
        upstream.Server.Enqueue(ThinkingUpstream.Answer());
        await owner.NextAsync(Deadline());
        Assert.Equal(ThinkingUpstream.ReasoningOf(1), upstream.AssistantMessages(upstream.Server.ChatRequests[^1])[0].Reasoning);
        Assert.NotNull(upstream.Server.ChatRequests[^1].Json!["thinking"]);
    }

    [Fact]
    public async Task ADeepSeekTurnWhoseReasoningIsGoneGetsTheClientsCopyNotAnotherKeys()
    {
        await using var upstream = await ThinkingUpstream.StartAsync("DeepSeek");
        var owner = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: true, stream: true);
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(1));
        var first = await owner.NextAsync(Deadline());

        var other = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyB, responsesShaped: true, stream: true);
        other.History.Add(first with { Content = "<think>my own notes</think>\n\n" });
        upstream.Server.Enqueue(ThinkingUpstream.Answer());
        await other.NextAsync(Deadline());

        Assert.Equal("my own notes", upstream.AssistantMessages(upstream.Server.ChatRequests[^1])[0].Reasoning);
    }

    [Fact]
    public async Task ExpiredReasoningFallsBackToTheEchoOrAnEmptyReasoningContent()
    {
        await using var upstream = await ThinkingUpstream.StartAsync("DeepSeek", new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = garnet.ConnectionString,
            ["Proxy:Reasoning:Ttl"] = "00:00:03",
        });
        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: true);
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(1));
        var first = await agent.NextAsync(Deadline());

        // The entry lives in Redis with the configured TTL, and Redis expires it.
        var key = Assert.Single(ReasoningKeys(redis, first.Calls[0].Id));
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(3));
        await WaitUntilGoneAsync(redis, key);

        // With the client's copy of what it was shown, the model gets that copy back.
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(2));
        await agent.NextAsync(Deadline());
        Assert.Equal(ThinkingUpstream.ReasoningOf(1), upstream.AssistantMessages(upstream.Server.ChatRequests[^1])[0].Reasoning);

        // Without any copy, an empty reasoning_content: DeepSeek takes the turn instead of answering 400.
        var forgetful = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: true);
        forgetful.History.Add(first with { Content = string.Empty });
        upstream.Server.Enqueue(ThinkingUpstream.Answer());
        var answer = await forgetful.NextAsync(Deadline());
        Assert.EndsWith("Done: all files read.", answer.Content);
        Assert.Equal(string.Empty, upstream.AssistantMessages(upstream.Server.ChatRequests[^1])[0].Reasoning);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ADeepSeekAliasWithoutReasoningSetIsNotADeadEnd(bool stream)
    {
        // An alias set up without Reasoning, a proxy that has just started without Redis (nothing stored, nothing answered
        // with reasoning yet), and a conversation from before that: DeepSeek refuses its tool-call turn.
        await using var upstream = await ThinkingUpstream.StartAsync("DeepSeek", new Dictionary<string, string?> { [$"Proxy:Models:{ThinkingUpstream.Alias}:Reasoning"] = "false" });
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream);
        agent.History.Add(new AgentTurn(string.Empty, [new AgentCall("call_from_before", "read_file", """{"path":"src/file1.py"}""")], "tool_calls"));
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(2));

        var answer = await agent.NextAsync(Deadline());

        // The user gets the answer: after DeepSeek's 400 the same request went once more, with the field filled in.
        Assert.Equal("read_file", Assert.Single(answer.Calls).Name);
        Assert.Equal(2, upstream.Server.ChatRequests.Count);
        // The first had no reasoning_content, which the stand-in refuses (DeepSeek's 400) before taking a scripted reply.
        Assert.Null(Assert.Single(upstream.AssistantMessages(upstream.Server.ChatRequests[0])).Reasoning);
        Assert.Null(upstream.Server.ChatRequests[0].Reply);
        Assert.Equal(string.Empty, Assert.Single(upstream.AssistantMessages(upstream.Server.ChatRequests[1])).Reasoning);

        // From then on the alias is known to think: the next request goes right the first time.
        upstream.Server.Enqueue(ThinkingUpstream.Answer());
        await agent.NextAsync(Deadline());
        Assert.Equal(3, upstream.Server.ChatRequests.Count);
        Assert.Equal([string.Empty, ThinkingUpstream.ReasoningOf(2)], upstream.AssistantMessages(upstream.Server.ChatRequests[2]).Select(m => m.Reasoning));
    }

    [Fact]
    public async Task AnUpstreams400AboutSomethingElseIsNotSentAgain()
    {
        await using var upstream = await ThinkingUpstream.StartAsync("DeepSeek", new Dictionary<string, string?> { [$"Proxy:Models:{ThinkingUpstream.Alias}:Reasoning"] = "false" });
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: true);
        upstream.Server.Enqueue(StandInReply.FromError(400, "This model's maximum context length is 65536 tokens."));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => agent.NextAsync(Deadline()));

        Assert.Equal(400, error.Status);
        Assert.Contains("maximum context length", error.Message);
        Assert.Single(upstream.Server.ChatRequests);
    }

    [Fact]
    public async Task StoredReasoningKeepsForTheConfiguredSevenDaysByDefault()
    {
        await using var upstream = await ThinkingUpstream.StartAsync("Ollama", new Dictionary<string, string?> { ["ConnectionStrings:cache"] = garnet.ConnectionString });
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: false);
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(1));
        var first = await agent.NextAsync(Deadline());

        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var key = Assert.Single(ReasoningKeys(redis, first.Calls[0].Id));
        Assert.InRange((await redis.GetDatabase().KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
    }

    [Fact]
    public async Task TheEchoOfShownReasoningNeverGoesUpstreamAsText()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OpenAIConfig(openai.ApiBaseUri));
        var body = new JsonObject
        {
            ["model"] = "remote",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "Hi" },
                new JsonObject { ["role"] = "assistant", ["content"] = "<think>\nplan A\n</think>\n\nHello!" },
                new JsonObject { ["role"] = "user", ["content"] = "Read it" },
                new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = "<think>plan B</think>\n\n",
                    ["reasoning_content"] = "plan B, as another client keeps it",
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["id"] = "call_b", ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = "read_file", ["arguments"] = """{"path":"a"}""" },
                    }),
                },
                new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_b", ["content"] = "file a" }),
        };

        var (response, _) = await ChatRequests.PostReadAsync(proxy.Client, body.ToJsonString());

        response.EnsureSuccessStatusCode();
        var sent = openai.ChatRequests[^1];
        var assistants = sent.Json!["messages"]!.AsArray().Where(m => (string?)m!["role"] == "assistant").Select(m => m!.AsObject()).ToList();
        Assert.Equal("Hello!", (string?)assistants[0]["content"]);
        Assert.True(assistants[1]["content"] is null || (string?)assistants[1]["content"] == string.Empty);
        // A model that never wrote reasoning_content is not sent one (OpenAI itself may refuse the unknown field).
        Assert.All(assistants, a => Assert.False(a.ContainsKey("reasoning_content")));
        Assert.DoesNotContain("plan A", sent.Body);
        Assert.DoesNotContain("plan B", sent.Body);
    }

    [Fact]
    public async Task RedactedThinkingComesBackUnmodified()
    {
        await using var upstream = await ThinkingUpstream.StartAsync("Anthropic");
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: true, stream: true);
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(1) with { RedactedThinking = "flagged by safety systems" });
        await agent.NextAsync(Deadline());
        upstream.Server.Enqueue(ThinkingUpstream.Answer());

        var answer = await agent.NextAsync(Deadline());

        Assert.EndsWith("Done: all files read.", answer.Content);
        var blocks = upstream.Server.ChatRequests[^1].Json!["messages"]![1]!["content"]!.AsArray();
        Assert.Equal(["redacted_thinking", "thinking", "tool_use"], blocks.Select(b => (string?)b!["type"]));
    }

    [Fact]
    public async Task ReasoningOverTheSizeCapIsNotStoredAndTheTurnStillGoes()
    {
        await using var upstream = await ThinkingUpstream.StartAsync("DeepSeek", new Dictionary<string, string?> { ["Proxy:Reasoning:MaxBytes"] = "64" });
        using var metrics = new ReasoningMeters(upstream.Proxy);
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: false);
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(1));
        await agent.NextAsync(Deadline());
        upstream.Server.Enqueue(ThinkingUpstream.Answer());

        await agent.NextAsync(Deadline());

        Assert.Equal(1, metrics.Total("cursoraspire.reasoning.not_stored"));
        Assert.Equal(1, metrics.Total("cursoraspire.reasoning.missed"));
        // The client's copy stands in for it.
        Assert.Equal(ThinkingUpstream.ReasoningOf(1), upstream.AssistantMessages(upstream.Server.ChatRequests[^1])[0].Reasoning);
    }

    [Fact]
    public async Task SpansAndMetricsSayWhatWasRestoredAndWhatWasMissed()
    {
        await using var upstream = await ThinkingUpstream.StartAsync("Anthropic");
        using var metrics = new ReasoningMeters(upstream.Proxy);
        // Spans of this test's trace only (the client's HTTP calls carry it to the proxy).
        var traceId = ActivityTraceId.CreateRandom();
        using var spans = StoppedSpans.Tag("Experimental.Microsoft.Extensions.AI", traceId, "cursoraspire.reasoning.restored", out var restoredTags);
        using var parent = new Activity("agent").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: true);
        for (var turn = 1; turn <= 2; turn++)
        {
            upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(turn));
            await agent.NextAsync(Deadline());
        }
        upstream.Server.Enqueue(ThinkingUpstream.Answer());
        await agent.NextAsync(Deadline());

        // Turn 1 had nothing to restore, turn 2 one message, the answer two; the spans end before the response does.
        Assert.Equal([1, 2], restoredTags.OfType<int>().Order());
        Assert.Equal(3, metrics.Total("cursoraspire.reasoning.restored"));
        Assert.Equal(2, metrics.Total("cursoraspire.reasoning.stored"));
        Assert.Equal(0, metrics.Total("cursoraspire.reasoning.missed"));
    }

    [Theory]
    [InlineData("Anthropic")]
    [InlineData("DeepSeek")]
    public async Task PreviousResponseIdChainsKeepTheirReasoning(string kind)
    {
        await using var upstream = await ThinkingUpstream.StartAsync(kind, new Dictionary<string, string?> { ["ConnectionStrings:cache"] = garnet.ConnectionString });
        var client = new ResponsesClient(new ApiKeyCredential(ThinkingUpstream.KeyA), new ResponsesClientOptions
        {
            Endpoint = new Uri(upstream.Proxy.BaseUri, "v1/"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });
        var readFile = ResponseTool.CreateFunctionTool("read_file",
            BinaryData.FromString("""{"type":"object","properties":{"path":{"type":"string"}}}"""), false, "Reads a file.");
        CreateResponseOptions Options(IEnumerable<ResponseItem> input, string? previous)
        {
            var options = new CreateResponseOptions(ThinkingUpstream.Alias, [.. input])
            {
                PreviousResponseId = previous,
                ReasoningOptions = new ResponseReasoningOptions { ReasoningEffortLevel = ResponseReasoningEffortLevel.Medium },
            };
            options.Tools.Add(readFile);
            return options;
        }

        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(1), ThinkingUpstream.ToolTurn(2), ThinkingUpstream.Answer());
        ResponseResult first = await client.CreateResponseAsync(Options([ResponseItem.CreateUserMessageItem("Read the files.")], null), Deadline());
        Assert.Equal(["reasoning", "function_call"], first.OutputItems.Select(TypeOf));
        var call1 = first.OutputItems.OfType<FunctionCallResponseItem>().Single();
        ResponseResult second = await client.CreateResponseAsync(Options([ResponseItem.CreateFunctionCallOutputItem(call1.CallId, "file 1")], first.Id), Deadline());
        var call2 = second.OutputItems.OfType<FunctionCallResponseItem>().Single();
        ResponseResult third = await client.CreateResponseAsync(Options([ResponseItem.CreateFunctionCallOutputItem(call2.CallId, "file 2")], second.Id), Deadline());

        Assert.Equal("Done: all files read.", third.GetOutputText());
        var assistants = upstream.AssistantMessages(upstream.Server.ChatRequests[^1]);
        Assert.Equal([ThinkingUpstream.ReasoningOf(1), ThinkingUpstream.ReasoningOf(2)], assistants.Select(a => a.Reasoning));
    }

    private static string TypeOf(ResponseItem item) => item switch
    {
        ReasoningResponseItem => "reasoning",
        FunctionCallResponseItem => "function_call",
        MessageResponseItem => "message",
        _ => item.GetType().Name,
    };

    /// <summary>The stored entries of one call id (the Garnet server is shared by the collection's tests).</summary>
    private static List<RedisKey> ReasoningKeys(ConnectionMultiplexer redis, string callId)
    {
        var suffix = ":" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(callId)).AsSpan(0, 16));
        return [.. redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "cursoraspire:reasoning:*").Where(k => k.ToString().EndsWith(suffix, StringComparison.Ordinal))];
    }

    private static async Task WaitUntilGoneAsync(ConnectionMultiplexer redis, RedisKey key)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (await redis.GetDatabase().KeyExistsAsync(key))
        {
            await Task.Delay(50, deadline.Token); // polls the real condition, Redis's own expiry
        }
    }

    /// <summary>Sums one proxy's reasoning counters (its own meter factory: other tests' proxies do not count).</summary>
    private sealed class ReasoningMeters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _totals = new();

        public ReasoningMeters(ProxyHost proxy)
        {
            var factory = proxy.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name.StartsWith("cursoraspire.reasoning.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
            _listener.Start();
        }

        public long Total(string name) => _totals.GetValueOrDefault(name);

        public void Dispose() => _listener.Dispose();
    }
}
