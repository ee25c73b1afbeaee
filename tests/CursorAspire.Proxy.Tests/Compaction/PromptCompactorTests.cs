using CursorAspire.Proxy.Compaction;
using CursorAspire.Proxy.Tokens;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Compaction;

/// <summary>
/// Compaction's choices on conversations the tests build: what is elided and what never is, the markers, and the
/// boundary, which stays put from turn to turn (so the prefix stays the same bytes), moves in large steps and never back.
/// </summary>
public sealed class PromptCompactorTests
{
    private const int Window = 16_384;

    [Fact]
    public void AConversationThatFitsGoesWhole()
    {
        var messages = AgentConversation.WithTurns(5);

        var prompt = PromptCompactor.Compact(messages, null, Window, null);

        Assert.NotNull(prompt);
        Assert.Same(messages, prompt.Messages);
        Assert.Null(prompt.Compaction);
    }

    [Fact]
    public void AConversationOverTheWindowLosesItsOldestToolResultsToMarkersAndFitsWithRoomForTheAnswer()
    {
        var messages = AgentConversation.WithTurns(30);
        Assert.True(TokenEstimator.EstimatePrompt(messages, null) + PromptCompactor.DefaultAnswerTokens > Window);

        var prompt = PromptCompactor.Compact(messages, null, Window, null)!;

        var compaction = Assert.IsType<PromptCompaction>(prompt.Compaction);
        Assert.True(TokenEstimator.EstimatePrompt(prompt.Messages, null) + PromptCompactor.DefaultAnswerTokens <= Window);
        Assert.Equal(compaction.PromptTokens, TokenEstimator.EstimatePrompt(prompt.Messages, null));
        Assert.Equal(Window, compaction.Window);
        Assert.Equal(ChatRole.Assistant, messages[compaction.Boundary].Role); // a turn start: a call and its result go together
        for (var i = 0; i < messages.Count; i++)
        {
            if (i < compaction.Boundary && messages[i].Role == ChatRole.Tool)
            {
                var marker = Assert.IsType<string>(Assert.IsType<FunctionResultContent>(Assert.Single(prompt.Messages[i].Contents)).Result);
                Assert.StartsWith(ElisionMarkers.Prefix, marker, StringComparison.Ordinal);
                Assert.Contains("the read_file result, 2,000 characters (about 500 tokens)", marker, StringComparison.Ordinal);
            }
            else
            {
                Assert.Same(messages[i], prompt.Messages[i]);
            }
        }
        Assert.Equal(messages.Take(compaction.Boundary).Count(m => m.Role == ChatRole.Tool), compaction.ToolResults);
        Assert.Equal(0, compaction.ToolArguments); // a path is too short to be worth a marker
    }

    [Fact]
    public void TheSystemPromptTheUsersLastMessageAndTheLatestTurnsAreNeverTouched()
    {
        // The user's message carries a tool result too (as an Anthropic-shaped body does): still never touched.
        var messages = AgentConversation.WithTurns(40);
        messages[1] = new ChatMessage(ChatRole.User, [new TextContent(AgentConversation.Task), new FunctionResultContent("earlier", new string('u', 5_000))]);

        var prompt = PromptCompactor.Compact(messages, null, Window, null)!;

        Assert.NotNull(prompt.Compaction);
        Assert.Same(messages[0], prompt.Messages[0]);
        Assert.Same(messages[1], prompt.Messages[1]);
        Assert.True(prompt.Compaction.Boundary <= messages.Count - 2 * PromptCompactor.ProtectedTurns);
        Assert.All(Enumerable.Range(messages.Count - 2 * PromptCompactor.ProtectedTurns, 2 * PromptCompactor.ProtectedTurns),
            i => Assert.Same(messages[i], prompt.Messages[i]));
    }

    [Fact]
    public void ALargeToolCallArgumentBecomesAMarkerAndTheShortOnesStay()
    {
        var messages = AgentConversation.WithTurns(30, call: turn => AgentConversation.EditFile(turn, 1_500));

        var prompt = PromptCompactor.Compact(messages, null, Window, null)!;

        Assert.NotNull(prompt.Compaction);
        Assert.True(prompt.Compaction.ToolArguments > 0);
        // Its calls' arguments and their results, each counted under the tool's name.
        Assert.Equal($"edit_file ×{prompt.Compaction.ToolResults + prompt.Compaction.ToolArguments}", prompt.Compaction.Tools);
        var call = Assert.IsType<FunctionCallContent>(Assert.Single(prompt.Messages[2].Contents));
        Assert.Equal("call_0", call.CallId);
        Assert.Equal("edit_file", call.Name);
        Assert.Equal(["target_file", "code_edit"], call.Arguments!.Keys);
        Assert.Equal("src/File0.cs", call.Arguments["target_file"]);
        Assert.Equal(ElisionMarkers.Prefix + "1,500 characters (about 375 tokens)]", call.Arguments["code_edit"]);
    }

    [Fact]
    public void AToolResultWithAnImageBecomesAMarkerThatSaysSo()
    {
        // An Anthropic-shaped tool_result: text and a screenshot.
        var messages = AgentConversation.WithTurns(30);
        messages[3] = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_0", new List<AIContent>
        {
            new TextContent(new string('t', 1_000)),
            new DataContent(new byte[] { 0x89, 0x50, 0x4e, 0x47 }, "image/png"),
        })]);

        var prompt = PromptCompactor.Compact(messages, null, Window, null)!;

        var result = Assert.IsType<FunctionResultContent>(Assert.Single(prompt.Messages[3].Contents));
        Assert.Equal(ElisionMarkers.Prefix + "the read_file result, 1,000 characters and an image (about 1,250 tokens); call the tool again if it is needed]", result.Result);
    }

    [Fact]
    public void ConsecutiveTurnsKeepTheBoundaryAndItsBytesUntilAStepIsNeededAndItNeverMovesBack()
    {
        var boundaries = new List<int>();
        string? previousPrefix = null;
        var previousBoundary = 0;
        for (var turns = 20; turns <= 80; turns++)
        {
            var prompt = PromptCompactor.Compact(AgentConversation.WithTurns(turns), null, Window, null)!;
            var boundary = prompt.Compaction?.Boundary ?? 0;
            Assert.True(boundary >= previousBoundary, $"At {turns} turns the boundary went back from {previousBoundary} to {boundary}.");
            if (boundary > 0 && boundary == previousBoundary)
            {
                // Everything before the boundary is the same bytes as in the turn before.
                Assert.Equal(previousPrefix, Serialize(prompt.Messages.Take(boundary)));
            }
            previousPrefix = Serialize(prompt.Messages.Take(boundary));
            previousBoundary = boundary;
            boundaries.Add(boundary);
        }

        var moves = boundaries.Zip(boundaries.Skip(1)).Count(p => p.First != p.Second);
        Assert.True(boundaries[^1] > 0);
        // 60 turns of about 500 tokens: each step frees a quarter of the 16K window, so the boundary moves about every 8 turns.
        Assert.InRange(moves, 3, 10);
    }

    [Fact]
    public void EachStepElidesAboutAQuarterOfTheWindowMore()
    {
        var steps = Enumerable.Range(20, 60)
            .Select(turns => PromptCompactor.Compact(AgentConversation.WithTurns(turns), null, Window, null)!.Compaction)
            .OfType<PromptCompaction>()
            .GroupBy(c => c.Boundary, (_, compactions) => compactions.Min(c => c.ElidedTokens))
            .ToList();

        Assert.True(steps.Count > 1);
        Assert.All(steps.Zip(steps.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, Window / PromptCompactor.StepsPerWindow, Window / 2));
    }

    [Fact]
    public void AConversationWithNothingToElideThatDoesNotFitIsNotCompacted()
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.System, AgentConversation.SystemPrompt),
            new(ChatRole.User, new string('x', Window * TokenEstimator.CharactersPerToken)),
        };

        Assert.Null(PromptCompactor.Compact(messages, null, Window, null));
    }

    [Fact]
    public void AConversationThatFitsWithASmallerAnswerAndHasNothingOldToElideGoesWhole()
    {
        // Three turns: all of them are protected, and the prompt still leaves more than a minimal answer.
        var messages = AgentConversation.WithTurns(1, resultCharacters: (Window - 2_000) * TokenEstimator.CharactersPerToken);

        var prompt = PromptCompactor.Compact(messages, null, Window, null);

        Assert.NotNull(prompt);
        Assert.Null(prompt.Compaction);
    }

    [Theory]
    [InlineData(null, 16_384, 4_096)]
    [InlineData(1_000, 16_384, 1_000)]
    [InlineData(32_000, 16_384, 4_096)]
    [InlineData(10, 16_384, PromptCompactor.MinimumAnswerTokens)]
    [InlineData(null, 8_192, 2_048)]
    public void TheAnswersReserveIsMaxTokensWithinAQuarterOfTheWindow(int? maxTokens, int window, int expected) =>
        Assert.Equal(expected, PromptCompactor.AnswerReserve(window, maxTokens));

    private static string Serialize(IEnumerable<ChatMessage> messages) =>
        JsonSerializer.Serialize(messages.ToList(), AIJsonUtilities.DefaultOptions);
}
