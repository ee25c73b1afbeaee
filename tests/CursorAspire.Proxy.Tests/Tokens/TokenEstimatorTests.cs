using CursorAspire.Proxy.Tokens;
using CursorAspire.Proxy.Wire.ChatCompletions;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Tokens;

/// <summary>
/// The prompt estimate counts text without making it (schemas and tool-call arguments from their UTF-8); the count is
/// still the length of the text, as when it was made.
/// </summary>
public sealed class TokenEstimatorTests
{
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CursorsRequestsAreEstimatedAsFromTheirText(string fixture)
    {
        using var document = JsonDocument.Parse(CursorFixtures.Read(fixture));
        var request = ChatRequestReader.Read(document.RootElement);

        Assert.Equal(FromText(request.Messages, request.Options), TokenEstimator.EstimatePrompt(request.Messages, request.Options));
    }

    [Fact]
    public void ArgumentsAndSchemasOfEveryKindCountAsTheirText()
    {
        // Escapes, non-ASCII, booleans (ToString says "True"), null, numbers as written, nested values.
        const string Arguments = """{"path":"src/\"quoted\"\\dir","text":"naïve 🙂","flag":true,"off":false,"none":null,"n":1.50,"list":[1, "a"],"obj":{"k":"v"}}""";
        const string Tools = """[{"type":"function","function":{"name":"edit","description":"Édite","parameters":{"type":"object","properties":{"p":{"type":"string","description":"chemin \u00e9 🙂"}}}}}]""";
        using var document = JsonDocument.Parse($$$"""
            {"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"edit","arguments":{{{JsonSerializer.Serialize(Arguments)}}}}}]}],"tools":{{{Tools}}}}
            """);
        var request = ChatRequestReader.Read(document.RootElement);

        Assert.Equal(FromText(request.Messages, request.Options), TokenEstimator.EstimatePrompt(request.Messages, request.Options));
    }

    public static TheoryData<string> Fixtures() => [.. CursorFixtures.All];

    /// <summary>The estimate made the plain way: every schema and argument as a string.</summary>
    private static long FromText(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        long characters = 0;
        foreach (var content in messages.SelectMany(m => m.Contents))
        {
            characters += content switch
            {
                TextContent t => t.Text.Length,
                TextReasoningContent r => r.Text.Length,
                FunctionCallContent c => c.Name.Length + (c.Arguments ?? new Dictionary<string, object?>()).Sum(a => a.Key.Length + (a.Value?.ToString()?.Length ?? 4) + 4),
                // An Anthropic-shaped result with a screenshot: its text, and an image as images count.
                FunctionResultContent { Result: IList<AIContent> parts } => parts.Sum(p => p is TextContent t ? t.Text.Length : 4_000),
                FunctionResultContent r => r.Result?.ToString()?.Length ?? 0,
                DataContent or UriContent => 4_000,
                _ => 0,
            };
        }
        foreach (var tool in options?.Tools ?? [])
        {
            characters += tool.Name.Length + (tool.Description?.Length ?? 0) + (tool is AIFunctionDeclaration d ? d.JsonSchema.GetRawText().Length : 0);
        }
        return TokenEstimator.FromCharacters(characters) + 4 * messages.Count;
    }

    [Theory]
    [InlineData("\"plain\"")]
    [InlineData("\"\"")]
    [InlineData("\"line\\nbreak\\ttab \\\"quoted\\\" back\\\\slash \\/\"")]
    [InlineData("\"\\u00fc \\u6f22 ü 漢字 😀 \\uD83D\\uDE00\"")]
    [InlineData("\"\\\\\"")]
    [InlineData("\"ends with an escape\\n\"")]
    public void EscapedStringArgumentsCountTheirUnescapedLength(string json)
    {
        var element = JsonDocument.Parse(json).RootElement;

        Assert.Equal(element.GetString()!.Length, TokenEstimator.TextLength(element));
    }
}
