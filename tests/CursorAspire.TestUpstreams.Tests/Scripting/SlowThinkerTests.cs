using Microsoft.Extensions.Time.Testing;

namespace CursorAspire.TestUpstreams.Tests.Scripting;

/// <summary>
/// The slow thinker (<see cref="StandInReply.ThinkingTime"/>) on all three stand-ins, on a fake clock: the response
/// headers and the first reasoning go out at once, a reasoning chunk follows every second, and the first text comes only
/// once a minute has passed.
/// </summary>
public sealed class SlowThinkerTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromSeconds(60);

    /// <summary>What a line of a stand-in's stream carries: reasoning, answer text, or neither (framing, role, usage…).</summary>
    private enum Carries { Nothing, Reasoning, Text }

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static async Task<(StandInServer Server, string Path, Func<string, Carries> Classify)> StartAsync(string kind, FakeTimeProvider time)
    {
        switch (kind)
        {
            case "OpenAI":
                return (await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { TimeProvider = time }), "v1/chat/completions", line =>
                {
                    if (!line.StartsWith("data: {", StringComparison.Ordinal)
                        || JsonNode.Parse(line["data: ".Length..])!["choices"] is not JsonArray { Count: > 0 } choices)
                    {
                        return Carries.Nothing;
                    }
                    var delta = choices[0]!["delta"]!;
                    return delta["reasoning_content"] is not null ? Carries.Reasoning
                        : (string?)delta["content"] is { Length: > 0 } ? Carries.Text
                        : Carries.Nothing;
                });
            case "Anthropic":
                return (await AnthropicStandIn.StartAsync(new AnthropicStandInOptions { TimeProvider = time }), "v1/messages", line =>
                {
                    if (!line.StartsWith("data: ", StringComparison.Ordinal))
                    {
                        return Carries.Nothing;
                    }
                    var type = (string?)JsonNode.Parse(line["data: ".Length..])!["delta"]?["type"];
                    return type == "thinking_delta" ? Carries.Reasoning : type == "text_delta" ? Carries.Text : Carries.Nothing;
                });
            default:
                return (await OllamaStandIn.StartAsync(new OllamaStandInOptions { TimeProvider = time }), "api/chat", line =>
                {
                    if (line.Length == 0)
                    {
                        return Carries.Nothing;
                    }
                    var message = JsonNode.Parse(line)!["message"]!;
                    return (string?)message["thinking"] is { Length: > 0 } ? Carries.Reasoning
                        : (string?)message["content"] is { Length: > 0 } ? Carries.Text
                        : Carries.Nothing;
                });
        }
    }

    private static HttpRequestMessage Post(string path, bool stream)
    {
        var body = new JsonObject
        {
            ["model"] = "claude-sonnet-4-5",
            ["max_tokens"] = 1024,
            ["stream"] = stream,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Plan the refactor." }),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("anthropic-version", "2023-06-01");
        return request;
    }

    /// <summary>Reads lines until one carries reasoning or text.</summary>
    private static async Task<(Carries What, string Line)> NextAsync(StreamReader reader, Func<string, Carries> classify)
    {
        while (await reader.ReadLineAsync(Deadline()) is { } line)
        {
            if (classify(line) is not Carries.Nothing and var what)
            {
                return (what, line);
            }
        }
        throw new InvalidOperationException("The stream ended before any reasoning or text.");
    }

    [Theory]
    [InlineData("OpenAI")]
    [InlineData("Anthropic")]
    [InlineData("Ollama")]
    public async Task StreamsReasoningEverySecondForAMinuteBeforeTheFirstText(string kind)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 12, 9, 0, 0, TimeSpan.Zero));
        var (server, path, classify) = await StartAsync(kind, time);
        await using var _ = server;
        server.Enqueue(StandInReply.SlowThinker(Minute, "Here is ", "the plan."));
        using var http = new HttpClient { BaseAddress = server.BaseUri };

        // The clock has not moved: the headers and the first reasoning chunk must not wait for it.
        using var response = await http.SendAsync(Post(path, stream: true), HttpCompletionOption.ResponseHeadersRead, Deadline());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Deadline()));
        Assert.Equal(Carries.Reasoning, (await NextAsync(reader, classify)).What);

        for (var second = 1; second < 60; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var (what, line) = await NextAsync(reader, classify);
            Assert.True(what == Carries.Reasoning, $"after {second} s: {line}");
        }

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Carries.Text, (await NextAsync(reader, classify)).What);
        var reply = server.ChatRequests[0].Reply!;
        Assert.Equal(60, reply.ThinkingChunks.Count);
        Assert.StartsWith("Still thinking (1/60). Still thinking (2/60).", reply.Reasoning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonStreamedSlowReplyIsSentWholeWhenTheThinkingTimeIsUp()
    {
        var start = new DateTimeOffset(2026, 6, 12, 9, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        await using var ollama = await OllamaStandIn.StartAsync(new OllamaStandInOptions { TimeProvider = time });
        ollama.Enqueue(StandInReply.SlowThinker(Minute, "Done."));
        using var http = new HttpClient { BaseAddress = ollama.BaseUri };

        var sending = http.SendAsync(Post("api/chat", stream: false), Deadline());
        await ollama.NextChatRequestAsync(cancellationToken: Deadline());
        time.Advance(Minute);
        using var response = await sending;

        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Deadline()))!;
        Assert.Equal("Done.", (string?)body["message"]!["content"]);
        Assert.StartsWith("Still thinking (1/60).", (string?)body["message"]!["thinking"], StringComparison.Ordinal);
        Assert.Equal(start + Minute, DateTimeOffset.Parse((string)body["created_at"]!, System.Globalization.CultureInfo.InvariantCulture));
    }
}
