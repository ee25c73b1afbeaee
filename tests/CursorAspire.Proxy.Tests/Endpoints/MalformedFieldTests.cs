namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// Regressions for the bodies that answered 500 (or a 502 blaming the provider) before the wire stage checked them:
/// each is now a 400 in OpenAI's shape whose <c>param</c> and message name the field, and the upstream is untouched.
/// Well-formed neighbours of each case still get a 200.
/// </summary>
public class MalformedFieldTests(BadInputProxy host) : IClassFixture<BadInputProxy>
{
    private const string ChatPath = "v1/chat/completions";
    private const string ResponsesPath = "v1/responses";

    /// <summary>A conversation whose third message carries <paramref name="part"/> as its first content part.</summary>
    private static string ChatWithPart(string part, string model = "local") =>
        $$"""{"model":"{{model}}","messages":[{"role":"system","content":"s"},{"role":"user","content":"u"},{"role":"user","content":[{{part}}]}]}""";

    private static string ImagePart(string url) =>
        "{\"type\":\"image_url\",\"image_url\":{\"url\":" + JsonSerializer.Serialize(url) + "}}";

    private static string ToolsWithSchema(string schema) =>
        "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"read\",\"parameters\":" + schema + "}}]";

    private static string ChatWith(string members, string model = "local") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],{{members}}}""";

    [Theory]
    [InlineData("not a url")]
    [InlineData("/relative/x.png")]
    [InlineData("relative.png")]
    [InlineData("")]
    [InlineData("data:")]
    [InlineData("data:image/png;base64")]
    [InlineData("data:image/png;base64,@@@")]
    [InlineData("data:text/plain;base64,aGVsbG8=")]
    [InlineData("ftp://example.com/x.png")]
    [InlineData("file:///etc/passwd")]
    [InlineData("javascript:alert(1)")]
    public async Task ImageUrlThatIsNotAnImageUrlIs400NamingIt(string url)
    {
        var error = await AssertRejectedAsync(ChatPath, ChatWithPart(ImagePart(url)), "messages[2].content[0].image_url.url");
        Assert.Contains("image_url.url", (string?)error["message"]);
    }

    [Fact]
    public async Task HugeImageUrlsAreJudgedLikeShortOnes()
    {
        await AssertRejectedAsync(ChatPath, ChatWithPart(ImagePart(new string('x', 70_000))), "messages[2].content[0].image_url.url");
        await AssertRejectedAsync(ChatPath, ChatWithPart(ImagePart("data:image/png;base64," + new string('@', 70_000))), "messages[2].content[0].image_url.url");
        foreach (var url in (string[])["https://example.com/" + new string('x', 70_000), "data:image/png;base64," + new string('A', 70_000)])
        {
            var (response, body) = await ChatRequests.PostReadAsync(host.Proxy.Client, ChatWithPart(ImagePart(url), "remote"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        }
    }

    [Theory]
    [InlineData("""{"type":"input_image","image_url":"not a url"}""", "input[1].content[0].image_url")]
    [InlineData("""{"type":"input_image","image_url":42}""", "input[1].content[0].image_url")]
    [InlineData("""{"type":"input_text","text":{}}""", "input[1].content[0].text")]
    [InlineData("""7""", "input[1].content[0]")]
    public async Task ResponsesContentPartsAreCheckedToo(string part, string param)
    {
        var body = $$"""{"model":"remote","input":[{"role":"user","content":"u"},{"role":"user","content":[{{part}}]}]}""";
        await AssertRejectedAsync(ResponsesPath, body, param);
        await AssertRejectedAsync(ChatPath, body, param);
    }

    [Theory]
    [InlineData("https://example.com/cat.png")]
    [InlineData("data:image/png;base64,iVBORw0KGgo=")]
    [InlineData("data:image/png,abc")]
    public async Task ImageUrlsOpenAIAcceptsStillWork(string url)
    {
        var (response, body) = await ChatRequests.PostReadAsync(host.Proxy.Client, ChatWithPart(ImagePart(url), "remote"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
    }

    [Theory]
    [InlineData("""{"type":"function","function":{"name":"","parameters":"x"}}""", "tools[0].function.name")]
    [InlineData("""{"type":"function","function":{"name":" ","parameters":{}}}""", "tools[0].function.name")]
    [InlineData("""{"type":"function","function":{"parameters":{}}}""", "tools[0].function.name")]
    [InlineData("""{"type":"function","function":{"name":7}}""", "tools[0].function.name")]
    [InlineData("""{"type":"function","function":{"name":"read","parameters":"x"}}""", "tools[0].function.parameters")]
    [InlineData("""{"type":"function","name":"","parameters":[1]}""", "tools[0].name")]
    [InlineData("""{"type":"function","name":"read","parameters":[1]}""", "tools[0].parameters")]
    [InlineData("""{"type":"function","function":"read"}""", "tools[0].function")]
    [InlineData("""{"type":"custom","name":""}""", "tools[0].name")]
    [InlineData("""7""", "tools[0]")]
    public async Task ToolWithoutAUsableNameOrSchemaIs400NamingIt(string tool, string param)
    {
        await AssertRejectedAsync(ChatPath, ChatWith($"\"tools\":[{tool}]"), param);
        await AssertRejectedAsync(ResponsesPath, $$"""{"model":"local","input":"hi","tools":[{{tool}}]}""", param);
    }

    [Theory]
    [InlineData("""{"type":"object","properties":{"a":5}}""", "tools[0].function.parameters.properties.a")]
    [InlineData("""{"type":"object","properties":[]}""", "tools[0].function.parameters.properties")]
    [InlineData("""{"type":"object","required":"a"}""", "tools[0].function.parameters.required")]
    [InlineData("""{"type":"object","required":[1]}""", "tools[0].function.parameters.required[0]")]
    [InlineData("""{"type":5}""", "tools[0].function.parameters.type")]
    [InlineData("""{"type":["object"],"properties":{"a":{"type":["string","null"]}}}""", "tools[0].function.parameters.type")]
    [InlineData("""{"type":"object","properties":{"q":{"type":"array","items":[{"type":"string"}]}}}""", "tools[0].function.parameters.properties.q.items")]
    [InlineData("""{"anyOf":{}}""", "tools[0].function.parameters.anyOf")]
    public async Task ToolSchemaTheProviderClientsCannotParseIs400NamingThePart(string schema, string param)
    {
        foreach (var model in BadInputProxy.Aliases)
        {
            await AssertRejectedAsync(ChatPath, ChatWith(ToolsWithSchema(schema), model), param);
        }
    }

    [Fact]
    public async Task ToolSchemaNestedTooDeepToBeWrittenUpstreamIs400()
    {
        var schema = string.Concat(Enumerable.Repeat("""{"type":"object","properties":{"a":""", 40)) + "{}" + new string('}', 80);
        var error = await AssertRejectedAsync(ChatPath, ChatWith(ToolsWithSchema(schema), "remote"), null);
        Assert.StartsWith("tools[0].function.parameters.properties.a", (string?)error["param"]);
    }

    [Theory]
    [InlineData("""{"type":"function","function":{"name":""}}""", "tool_choice.function.name")]
    [InlineData("""{"type":"function","name":" "}""", "tool_choice.name")]
    [InlineData("""{"type":"function","function":{"name":5}}""", "tool_choice.function.name")]
    [InlineData("""5""", "tool_choice")]
    public async Task ToolChoiceNamingNoToolIs400NamingIt(string choice, string param) =>
        await AssertRejectedAsync(ChatPath, ChatWith($"\"tool_choice\":{choice}"), param);

    [Theory]
    [InlineData(ChatPath, """{"model":"local","messages":[{"role":"user","content":"\ud800"}]}""", "messages[0].content")]
    [InlineData(ChatPath, """{"model":"local","messages":[{"role":"user","content":"x\udc00y"}]}""", "messages[0].content")]
    [InlineData(ChatPath, """{"model":"local\ud83d","messages":[{"role":"user","content":"x"}]}""", "model")]
    [InlineData(ChatPath, """{"model":"local","messages":[{"role":"user","content":"x"}],"stop":["a","\ud800"]}""", "stop[1]")]
    [InlineData(ChatPath, """{"model":"local","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"a","parameters":{"type":"object","properties":{"\ud800":{}}}}}]}""", "tools[0].function.parameters.properties")]
    [InlineData(ChatPath, """{"model":"local","\ud800":1,"messages":[{"role":"user","content":"x"}]}""", null)]
    [InlineData(ResponsesPath, """{"model":"local","input":"\ud800"}""", "input")]
    [InlineData(ResponsesPath, """{"model":"local","input":[{"role":"user","content":[{"type":"input_text","text":"\udfff"}]}]}""", "input[0].content[0].text")]
    public async Task UnpairedSurrogateEscapesAre400NamingTheMember(string path, string body, string? param)
    {
        var error = await AssertRejectedAsync(path, body, param);
        Assert.Contains("valid UTF-8", (string?)error["message"]);
    }

    [Fact]
    public async Task InvalidUtf8IsA400NamingTheMember()
    {
        byte[] body = [.. """{"model":"local","messages":[{"role":"user","content":"h"""u8, 0xFF, 0xFE, .. "\"}]}"u8];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        var calls = host.UpstreamCalls;

        using var response = await host.Proxy.Client.PostAsync(ChatPath, content);
        var error = ChatRequests.AssertOpenAIError(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("messages[0].content", (string?)error["param"]);
        Assert.Equal(calls, host.UpstreamCalls);
    }

    [Theory]
    [InlineData(ChatPath, "\"temperature\":1e39", "temperature")]
    [InlineData(ChatPath, "\"top_p\":-1e39", "top_p")]
    [InlineData(ChatPath, "\"frequency_penalty\":1e400", "frequency_penalty")]
    [InlineData(ChatPath, "\"max_tokens\":1e10", "max_tokens")]
    [InlineData(ChatPath, "\"max_completion_tokens\":2147483648", "max_completion_tokens")]
    [InlineData(ChatPath, "\"max_tokens\":1.5", "max_tokens")]
    [InlineData(ChatPath, "\"seed\":9223372036854775808", "seed")]
    [InlineData(ResponsesPath, "\"temperature\":1e39", "temperature")]
    [InlineData(ResponsesPath, "\"max_output_tokens\":-2147483649", "max_output_tokens")]
    public async Task NumbersNoOptionCanHoldAre400NamingThem(string path, string member, string param)
    {
        var body = path == ChatPath ? ChatWith(member, "remote") : $$"""{"model":"remote","input":"hi",{{member}}}""";
        await AssertRejectedAsync(path, body, param);
    }

    [Theory]
    [InlineData("\"temperature\":\"hot\"", "temperature")]
    [InlineData("\"stream\":\"yes\"", "stream")]
    [InlineData("\"stream_options\":{\"include_usage\":1}", "stream_options.include_usage")]
    [InlineData("\"tools\":{}", "tools")]
    [InlineData("\"stop\":[1]", "stop[0]")]
    [InlineData("\"stop\":{}", "stop")]
    [InlineData("\"reasoning\":{\"effort\":3}", "reasoning.effort")]
    [InlineData("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":5}}", "response_format.json_schema.schema")]
    [InlineData("\"model\":[]", "model")]
    public async Task KnownMemberOfTheWrongKindIs400NamingIt(string member, string param)
    {
        var body = $$"""{"messages":[{"role":"user","content":"hi"}],{{member}}}""";
        var error = await AssertRejectedAsync(ChatPath, body, param);
        Assert.StartsWith($"Invalid type for '{param}'", (string?)error["message"]);
    }

    [Theory]
    [InlineData("""{"role":"assistant","tool_calls":"x"}""", "messages[0].tool_calls")]
    [InlineData("""{"role":"assistant","tool_calls":[7]}""", "messages[0].tool_calls[0]")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"","arguments":"{}"}}]}""", "messages[0].tool_calls[0].function.name")]
    [InlineData("""{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":5}}]}""", "messages[0].tool_calls[0].function.arguments")]
    [InlineData("""{"role":7,"content":"x"}""", "messages[0].role")]
    [InlineData("""{"role":"user","content":[{"type":"text","text":5}]}""", "messages[0].content[0].text")]
    public async Task MalformedMessagesAre400NamingTheMember(string message, string param) =>
        await AssertRejectedAsync(ChatPath, $$"""{"model":"local","messages":[{{message}},{"role":"user","content":"go on"}]}""", param);

    [Theory]
    [InlineData("""{"type":"function_call","call_id":"c","name":"","arguments":"{}"}""", "input[0].name")]
    [InlineData("""{"type":"reasoning","summary":"thought"}""", "input[0].summary")]
    [InlineData("""{"type":"reasoning","summary":[7]}""", "input[0].summary[0]")]
    [InlineData("""{"type":7,"role":"user","content":"x"}""", "input[0].type")]
    public async Task MalformedInputItemsAre400NamingTheMember(string item, string param) =>
        await AssertRejectedAsync(ResponsesPath, $$"""{"model":"local","input":[{{item}},{"role":"user","content":"go on"}]}""", param);

    [Fact]
    public async Task EmptyResponsesShapedInputOnChatCompletionsIs400()
    {
        await AssertRejectedAsync(ChatPath, """{"model":"remote","input":[]}""", "input");
        await AssertRejectedAsync(ChatPath, """{"model":"remote","input":[{"type":"item_reference","id":"msg_1"}]}""", "input");
    }

    [Fact]
    public async Task BrokenMemberNameOnResponsesIs400() =>
        await AssertRejectedAsync(ResponsesPath, """{"model":"local","input":"x","\ud800":1}""", null);

    [Fact]
    public async Task EmptyMessagesIs400() =>
        await AssertRejectedAsync(ChatPath, """{"model":"remote","messages":[]}""", "messages");

    [Theory]
    [InlineData("\"x_cursor_new\":{\"a\":[1e400,\"\",null]}")]
    [InlineData("\"metadata\":\"not an object\"")]
    [InlineData("\"user\":42")]
    [InlineData("\"reasoning_effort\":\"ultra\"")]
    [InlineData("\"tool_choice\":\"whatever\"")]
    [InlineData("\"tools\":[{\"type\":\"web_search\"}]")]
    [InlineData("\"response_format\":{\"type\":\"brand_new\"}")]
    [InlineData("\"temperature\":null,\"tools\":null,\"stop\":null,\"stream\":null")]
    [InlineData("\"max_tokens\":100.0")]
    public async Task UnknownMembersUnknownValuesAndNullsAreStillAccepted(string members)
    {
        var (response, body) = await ChatRequests.PostReadAsync(host.Proxy.Client, ChatWith(members));
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
    }

    [Theory]
    [InlineData("{\\\"a\\\":\\\"\\\\ud800\\\"}")]
    [InlineData("not json")]
    [InlineData("{\\\"a\\\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}")]
    public async Task BrokenToolCallArgumentsInHistoryDoNotFailTheRequest(string arguments)
    {
        foreach (var model in BadInputProxy.Aliases)
        {
            var body = $$$"""
                {"model":"{{{model}}}","messages":[{"role":"user","content":"read a.cs"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"read_file","arguments":"{{{arguments}}}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"class A {}"}]}
                """;
            var (response, text) = await ChatRequests.PostReadAsync(host.Proxy.Client, body);
            Assert.True((int)response.StatusCode < 500, $"{model}: {(int)response.StatusCode} {text}");
        }
    }

    /// <summary>Posts <paramref name="body"/> and asserts a 400 in OpenAI's shape naming <paramref name="param"/>, with no upstream call.</summary>
    private async Task<JsonObject> AssertRejectedAsync(string path, string body, string? param)
    {
        var calls = host.UpstreamCalls;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await host.Proxy.Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var error = ChatRequests.AssertOpenAIError(text);
        Assert.Equal("invalid_request_error", (string?)error["type"]);
        Assert.Equal("invalid_request", (string?)error["code"]);
        if (param is not null)
        {
            Assert.Equal(param, (string?)error["param"]);
            Assert.Contains(param, (string?)error["message"]);
        }
        Assert.Equal(calls, host.UpstreamCalls);
        return error;
    }
}
