using CursorAspire.Proxy.Compaction;
using CursorAspire.Proxy.Tokens;

namespace CursorAspire.Proxy.Tests.Compaction;

/// <summary>
/// A Cursor agent session on a local model with a 16K window, through the proxy to the Ollama stand-in: with compaction it
/// keeps answering past the window, every request fits, what is never elided arrives byte for byte, and consecutive
/// requests share their prefix (the bytes Ollama's KV cache reuses); without compaction it ends in the 400 it always did.
/// </summary>
public sealed class CompactedAgentSessionTests
{
    private const int Window = 16_384;
    private const int Turns = 36;

    [Fact]
    public async Task ASessionThatOutgrowsTheWindowKeepsAnsweringCompactedAndEveryRequestFits()
    {
        await using var session = await CursorAgentSession.StartAsync(Window, compaction: true);
        var systemPrompt = (string)session.Messages[0]!["content"]!;

        var turns = await session.RunAsync(Turns);

        var sent = session.Sent;
        var upstream = session.Ollama.ChatRequests;
        Assert.Equal(Turns, upstream.Count);
        var firstCompacted = turns.FindIndex(t => t.Compacted is not null);
        Assert.True(firstCompacted > 0, "The session never needed compaction: it is too short to test it.");
        Assert.All(turns.Skip(firstCompacted), t => Assert.NotNull(t.Compacted));
        var tools = UpstreamPrompt.Raw(upstream[0], "tools");
        for (var i = 0; i < Turns; i++)
        {
            var request = upstream[i];
            var messages = request.Json!["messages"]!.AsArray();
            Assert.Equal(turns[i].MessageCount, messages.Count);
            // Never more than the window, with room left for an answer (Ollama would silently drop the prompt's start).
            Assert.InRange(UpstreamPrompt.NumCtx(request), 1, Window);
            Assert.True(UpstreamPrompt.Tokens(request) + PromptCompactor.MinimumAnswerTokens <= UpstreamPrompt.NumCtx(request),
                $"Turn {i}: about {UpstreamPrompt.Tokens(request)} tokens of prompt in a window of {UpstreamPrompt.NumCtx(request)}.");
            // The system prompt, the tools and the latest turn arrive as sent, byte for byte.
            Assert.Equal(systemPrompt, (string?)messages[0]!["content"]);
            Assert.Equal(tools, UpstreamPrompt.Raw(request, "tools"));
            Assert.Equal((string?)sent[i][^1]!["content"], (string?)messages[^1]!["content"]);
            // Ollama takes arguments as an object, not Chat Completions' string: the same JSON, without the client's spacing.
            Assert.True(JsonNode.DeepEquals(
                JsonNode.Parse((string)sent[i][^2]!["tool_calls"]![0]!["function"]!["arguments"]!),
                messages[^2]!["tool_calls"]![0]!["function"]!["arguments"]));
            // The user's messages are never touched.
            Assert.Equal(
                sent[i].Where(m => (string?)m!["role"] == "user").Select(m => (string?)m!["content"]),
                messages.Where(m => (string?)m!["role"] == "user").Select(m => (string?)m!["content"]));
        }
        Assert.Contains(upstream.Skip(firstCompacted).SelectMany(r => r.Json!["messages"]!.AsArray()),
            m => ((string?)m!["content"])?.StartsWith(ElisionMarkers.Prefix, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task ConsecutiveTurnsShareTheirPrefixCompactedUpToTheNewestBoundaryAndTheWindowStaysPut()
    {
        await using var session = await CursorAgentSession.StartAsync(Window, compaction: true);

        var turns = await session.RunAsync(Turns);

        var upstream = session.Ollama.ChatRequests;

        var moves = 0;
        var pairs = 0;
        for (var i = 1; i < Turns; i++)
        {
            var (before, after) = (turns[i - 1], turns[i]);
            if (before.Compacted is null)
            {
                // Before compaction the window grows with the conversation, never back, and each request begins with
                // every message of the one before, the same bytes (serialization, order); the first compacted one does not.
                Assert.True(UpstreamPrompt.NumCtx(upstream[i]) >= UpstreamPrompt.NumCtx(upstream[i - 1]));
                if (after.Compacted is null)
                {
                    Assert.True(upstream[i].SharedPrefixLength(upstream[i - 1]) >= UpstreamPrompt.MessageOffsets(upstream[i])[before.MessageCount] - 1,
                        $"Turn {i}: the uncompacted conversation did not arrive as the previous request's bytes plus the new turn.");
                }
                continue;
            }
            pairs++;
            Assert.True(after.Boundary >= before.Boundary, $"Turn {i}: the boundary went back from {before.Boundary} to {after.Boundary}.");
            Assert.Equal(UpstreamPrompt.NumCtx(upstream[i - 1]), UpstreamPrompt.NumCtx(upstream[i]));
            var shared = upstream[i].SharedPrefixLength(upstream[i - 1]);
            var offsets = UpstreamPrompt.MessageOffsets(upstream[i]);
            if (after.Boundary == before.Boundary)
            {
                // The same elision, reported as the same numbers.
                Assert.Equal(before.Compacted, after.Compacted);
                // Every message of the turn before arrives again as the same bytes: only the new turn is new.
                Assert.True(shared >= offsets[before.MessageCount] - 1,
                    $"Turn {i}: {shared} bytes shared, but the previous turn's {before.MessageCount} messages end at byte {offsets[before.MessageCount] - 1}.");
            }
            else
            {
                moves++;
                // The boundary moved: what was elided before is the same bytes; the newly elided turns follow it.
                Assert.True(shared >= offsets[before.Boundary], $"Turn {i}: {shared} bytes shared, the earlier boundary is at byte {offsets[before.Boundary]}.");
            }
        }
        Assert.True(pairs >= 10, $"Only {pairs} pairs of compacted turns.");
        Assert.InRange(moves, 1, pairs / 4);
    }

    [Fact]
    public async Task WithoutCompactionTheSameSessionEndsInContextLengthExceeded()
    {
        await using var session = await CursorAgentSession.StartAsync(Window, compaction: false);

        SessionTurn turn;
        var answered = 0;
        while ((turn = await session.NextAsync()).Status == HttpStatusCode.OK)
        {
            Assert.Null(turn.Compacted);
            Assert.True(++answered < Turns, "The session fit the window all along.");
        }

        Assert.Equal(HttpStatusCode.BadRequest, turn.Status);
        Assert.Equal("context_length_exceeded", (string?)ChatRequests.AssertOpenAIError(turn.Body)["code"]);
        Assert.Equal(answered, session.Ollama.ChatRequests.Count);
    }

    [Fact]
    public async Task WithCompactionAConversationThatStillDoesNotFitEndsInContextLengthExceeded()
    {
        await using var session = await CursorAgentSession.StartAsync(Window, compaction: true);
        var answered = await session.RunAsync(25);
        Assert.NotNull(answered[^1].Compacted);

        // The user's last message is never cut: one larger than the window cannot be made to fit.
        session.Messages.Add(new JsonObject { ["role"] = "user", ["content"] = new string('x', Window * TokenEstimator.CharactersPerToken) });
        var turn = await session.NextAsync();

        Assert.Equal(HttpStatusCode.BadRequest, turn.Status);
        var error = ChatRequests.AssertOpenAIError(turn.Body);
        Assert.Equal("context_length_exceeded", (string?)error["code"]);
        Assert.Contains("eliding its older tool results and tool-call arguments does not make it fit", (string?)error["message"], StringComparison.Ordinal);
        Assert.Null(turn.Compacted);
        Assert.Equal(25, session.Ollama.ChatRequests.Count);
    }

    [Fact]
    public async Task ACompactedRequestSaysSoInAHeaderALogLineAndItsSpan()
    {
        await using var session = await CursorAgentSession.StartAsync(Window, compaction: true);
        await session.RunAsync(25);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Experimental.Microsoft.Extensions.AI",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("cursoraspire.compaction.boundary") is not null)
                {
                    lock (spans)
                    {
                        spans.Add(a);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var turn = await session.NextAsync();

        Assert.NotNull(turn.Compacted);
        var header = turn.Compacted.Split("; ").Select(p => p.Split('=')).ToDictionary(p => p[0], p => long.Parse(p[1], CultureInfo.InvariantCulture));
        Assert.True(header["tool-results"] > 0);
        Assert.True(header["elided-tokens"] > 0);
        // The log line names whose output went, most first, and the per-tool counts add up to the header's.
        // (Earlier turns compacted at the same boundary logged the same line.)
        var line = session.Proxy.Logs.Entries.Last(e => e.Category.EndsWith("PromptCompactionChatClient", StringComparison.Ordinal)
            && e.Message.Contains($"elided {header["tool-results"]} tool results and {header["tool-arguments"]} tool-call arguments (", StringComparison.Ordinal)
            && e.Message.Contains($"in the {header["boundary"]} oldest messages", StringComparison.Ordinal));
        var tools = line.Message.Split(" tool-call arguments (")[1].Split("; about ")[0].Split(", ").Select(t => t.Split(" ×")).ToList();
        Assert.Equal("read_file", tools[0][0]);
        Assert.Equal(header["tool-results"] + header["tool-arguments"], tools.Sum(t => long.Parse(t[1], CultureInfo.InvariantCulture)));
        // Other tests' proxies may be compacting at the same time: this request's span is the one with its numbers.
        lock (spans)
        {
            Assert.Contains(spans, s => Equals(s.GetTagItem("cursoraspire.compaction.boundary"), (int)header["boundary"])
                && Equals(s.GetTagItem("cursoraspire.compaction.tool_results"), (int)header["tool-results"])
                && Equals(s.GetTagItem("cursoraspire.compaction.elided_tokens"), header["elided-tokens"]));
        }
    }
}
