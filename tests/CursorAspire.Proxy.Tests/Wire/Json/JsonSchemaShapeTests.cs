using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Tests.Wire.Json;

/// <summary>
/// The schema check names the part that is wrong, built on the way back from it (the endpoint tests cover the common
/// shapes through the proxy; these the paths through lists, maps and escaped keywords).
/// </summary>
public sealed class JsonSchemaShapeTests
{
    [Theory]
    [InlineData("""{"type":"object","anyOf":[{"type":"string"},{"properties":{"a":{"items":{"type":7}}}}]}""", "p.anyOf[1].properties.a.items.type")]
    [InlineData("""{"$defs":{"x":{"required":["a",2]}}}""", "p.$defs.x.required[1]")]
    [InlineData("""{"properties":{"a.b":{"enum":"x"}}}""", "p.properties.a.b.enum")]
    [InlineData("""{"properties":{"a":{"description":5}}}""", "p.properties.a.description")]
    [InlineData("""{"prefixItems":[true,{"not":[]}]}""", "p.prefixItems[1].not")]
    // An escaped keyword is still that keyword: "\u0074ype" is "type".
    [InlineData("""{"properties":{"a":{"\u0074ype":5}}}""", "p.properties.a.type")]
    public void AMalformedPartIsNamedByItsPath(string schema, string param)
    {
        using var document = JsonDocument.Parse(schema);

        var error = Assert.Throws<WireFormatException>(() => JsonSchemaShape.Ensure(document.RootElement, "", "p"));

        Assert.Equal(param, error.Param);
        Assert.Contains($"'{param}'", error.Message);
    }

    [Fact]
    public void AGoodSchemaPassesWithUnknownAndEscapedKeywordsLeftAlone()
    {
        using var document = JsonDocument.Parse("""
            {"type":"object","properties":{"a":{"type":["string","null"],"x-custom":{"deep":[1,2]},"\u0064escription":"d"}},
             "required":["a"],"additionalProperties":false,"allOf":[{"if":{"const":1},"then":true}],"examples":[{"a":"b"}]}
            """);

        JsonSchemaShape.Ensure(document.RootElement, "tools[0].function", "parameters");
    }

    [Fact]
    public void NestingPastTheLimitIsNamedWhereItGoesTooDeep()
    {
        var schema = string.Concat(Enumerable.Repeat("""{"items":""", 40)) + "{}" + new string('}', 40);
        using var document = JsonDocument.Parse(schema);

        var error = Assert.Throws<WireFormatException>(() => JsonSchemaShape.Ensure(document.RootElement, "", "p"));

        Assert.Equal("p" + string.Concat(Enumerable.Repeat(".items", JsonSchemaShape.MaxDepth)), error.Param);
        Assert.Contains($"nested more than {JsonSchemaShape.MaxDepth} levels deep", error.Message);
    }
}
