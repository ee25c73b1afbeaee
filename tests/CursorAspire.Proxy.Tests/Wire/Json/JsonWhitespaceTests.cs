using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Tests.Wire.Json;

/// <summary><see cref="JsonWhitespace.Strip"/>: the whitespace between tokens goes, every string's bytes stay as written.</summary>
public sealed class JsonWhitespaceTests
{
    [Theory]
    [InlineData("{\n  \"type\": \"object\",\n  \"required\": [\n    \"a\"\n  ]\n}", "{\"type\":\"object\",\"required\":[\"a\"]}")]
    [InlineData("{ \"a b\" : \"x \\\" y \\\\\" , \"c\":[ 1 ,\t2 ] }", "{\"a b\":\"x \\\" y \\\\\",\"c\":[1,2]}")]
    [InlineData("{\"d\": \"\\u003C tab\\t \\\\\\\" end\", \"e\": true}", "{\"d\":\"\\u003C tab\\t \\\\\\\" end\",\"e\":true}")]
    [InlineData("[\"ü  \", null, -1.5e3]", "[\"ü  \",null,-1.5e3]")]
    public void TheWhitespaceBetweenTokensGoesAndStringsStayAsWritten(string indented, string compact)
    {
        var stripped = JsonWhitespace.Strip(Encoding.UTF8.GetBytes(indented));

        Assert.Equal(compact, Encoding.UTF8.GetString(stripped));
        using var before = JsonDocument.Parse(indented);
        using var after = JsonDocument.Parse(stripped);
        Assert.True(JsonElement.DeepEquals(before.RootElement, after.RootElement));
    }
}
