namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// A thinking model behind <c>POST /v1/responses</c>: Ollama's <c>message.thinking</c> becomes a <c>reasoning</c> output
/// item, or nothing when <c>Proxy:ReasoningOutput</c> is <c>Omit</c>.
/// </summary>
public sealed class ResponsesReasoningTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    private static async Task<List<(string Event, JsonElement Data)>> StreamAsync(ProxyHost proxy)
    {
        using var http = proxy.CreateClient();
        var response = await http.PostAsync("v1/responses", new StringContent(
            """{"model":"local","input":"6*7?","stream":true,"reasoning":{"effort":"low"} }""",
            Encoding.UTF8, "application/json"), Deadline());
        response.EnsureSuccessStatusCode();
        return ResponseEvents.Parse(await response.Content.ReadAsStringAsync(Deadline()));
    }

    [Fact]
    public async Task ThinkingBecomesAReasoningItemBeforeTheAnswer()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(ollama: true,
            settings: new Dictionary<string, string?> { ["Proxy:ReasoningOutput"] = "ReasoningContent" });
        proxy.Upstream.Enqueue(new StandInReply { ReasoningChunks = ["six times ", "seven"], TextChunks = ["42"] });

        var events = await StreamAsync(proxy);

        Assert.Equal("six times seven", string.Concat(events.Where(e => e.Event == "response.reasoning_text.delta").Select(e => e.Data.GetProperty("delta").GetString())));
        var output = events[^1].Data.GetProperty("response").GetProperty("output").EnumerateArray().ToList();
        Assert.Equal(["reasoning", "message"], output.Select(o => o.GetProperty("type").GetString()));
        Assert.Equal("six times seven", output[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("42", output[1].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task OmittedReasoningLeavesOnlyTheAnswer()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(ollama: true,
            settings: new Dictionary<string, string?> { ["Proxy:ReasoningOutput"] = "Omit" });
        proxy.Upstream.Enqueue(new StandInReply { ReasoningChunks = ["hidden"], TextChunks = ["42"] });

        var events = await StreamAsync(proxy);

        Assert.DoesNotContain(events, e => e.Event.Contains("reasoning", StringComparison.Ordinal));
        var output = events[^1].Data.GetProperty("response").GetProperty("output");
        Assert.Equal("message", Assert.Single(output.EnumerateArray()).GetProperty("type").GetString());
        Assert.DoesNotContain("hidden", events[^1].Data.GetRawText());
    }
}
