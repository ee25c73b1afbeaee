using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Tests.Wire.Json;

/// <summary><see cref="JsonWhitespace.Strip"/>: the whitespace between tokens goes, every string's bytes stay as written.</summary>
public sealed class JsonWhitespaceTests
{
    /// <summary>JSON with whitespace between its tokens, and the same without it.</summary>
    public static TheoryData<string, string> Spaced => new()
    {
        { "{\n  \"type\": \"object\",\n  \"required\": [\n    \"a\"\n  ]\n}", "{\"type\":\"object\",\"required\":[\"a\"]}" },
        { "{ \"a b\" : \"x \\\" y \\\\\" , \"c\":[ 1 ,\t2 ] }", "{\"a b\":\"x \\\" y \\\\\",\"c\":[1,2]}" },
        { "{\"d\": \"\\u003C tab\\t \\\\\\\" end\", \"e\": true}", "{\"d\":\"\\u003C tab\\t \\\\\\\" end\",\"e\":true}" },
        { "[\"ü  \", null, -1.5e3]", "[\"ü  \",null,-1.5e3]" },
    };

    [Theory]
    [MemberData(nameof(Spaced))]
    public void TheWhitespaceBetweenTokensGoesAndStringsStayAsWritten(string indented, string compact)
    {
        var stripped = JsonWhitespace.Strip(Encoding.UTF8.GetBytes(indented));

        Assert.Equal(compact, Encoding.UTF8.GetString(stripped));
        using var before = JsonDocument.Parse(indented);
        using var after = JsonDocument.Parse(stripped);
        Assert.True(JsonElement.DeepEquals(before.RootElement, after.RootElement));
    }
}
