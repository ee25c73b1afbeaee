using CsCheck;
using static CursorAspire.Proxy.Tests.Endpoints.JsonFragments;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// Generators of the known request members: every field the wire readers look at, in both body shapes, with the values
/// Cursor sends and odd ones. In the <see cref="Malformed"/> flavour any field may also be of the wrong kind, broken
/// text, or missing; in the <see cref="WellFormed"/> flavour every value is one a client may legally send (unknown
/// roles aside), so most bodies travel all the way to an upstream with strange content.
/// </summary>
internal sealed class MalformedFields
{
    public static readonly Gen<string> Bool = Gen.OneOf("true", "false");

    // After Bool: static fields initialize in order, and the constructor uses it.
    public static readonly MalformedFields WellFormed = new(includeMalformed: false);
    public static readonly MalformedFields Malformed = new(includeMalformed: true);

    private readonly bool _includeMalformed;

    private MalformedFields(bool includeMalformed)
    {
        _includeMalformed = includeMalformed;

        Model = Or(Gen.Frequency(
            (6, Strings("local", "remote", "anthropic-sonnet")),
            (1, Strings("ollama/qwen2.5-coder:7b", "openai/gpt-4o-mini", "gpt-4o", "nope/nope", "/", "", "ollama/"))));

        Text = Gen.Frequency(
            (4, Strings("hello", "Refactor this method.", "<think>I should read it</think>The file is fine.", "line1\nline2")),
            (1, includeMalformed ? OddString : OddText));

        Number = includeMalformed
            ? Gen.OneOf("0", "0.7", "1", "2", "-5", "1e39", "-1e39", "1e-50", "3.4028235e38", "1e308", "1e400")
            : Gen.OneOf("0", "0.7", "1", "2", "-5", "1e-50", "3.4028235e38", "-0");

        Count = includeMalformed
            ? Gen.OneOf("10", "1", "0", "-1", "100.0", "1.5", "2147483647", "2147483648", "1e10", "-2147483649", "9223372036854775808")
            : Gen.OneOf("10", "1", "0", "-1", "100.0", "2147483647", "-2147483648");

        ToolName = Gen.Frequency(
            (6, Strings("read_file", "run_terminal_cmd", "ApplyPatch", "codebase_search")),
            (2, Strings("a.b", "has space", "mcp__server__tool", "é", new string('n', 65), new string('n', 300))),
            (1, includeMalformed ? Gen.Frequency((1, Strings("", " ")), (2, OddString)) : OddText.Where(name => name.Trim('"', ' ').Length > 0)));

        CallId = Gen.Frequency(
            (5, Strings("call_1", "call_AbC-123_xyz", "toolu_01")),
            (1, Strings("", " ", new string('c', 500))),
            (1, includeMalformed ? OddString : OddText));

        ImageUrl = Gen.Frequency(
            (3, Strings("https://example.com/cat.png", "http://127.0.0.1/x.png", TinyPng, "data:image/png,abc")),
            (1, Gen.Int[60_000, 80_000].Select(n => Quote("https://example.com/" + new string('x', n)))),
            (1, Gen.Int[10_000, 80_000].Select(n => Quote("data:image/png;base64," + new string('A', n / 4 * 4)))),
            (includeMalformed ? 4 : 0, Strings("not a url", "/relative/x.png", "relative.png", "./x.png", "//example.com/x.png", "data:",
                "data:,", "data:image/png;base64,@@@", "data:image/png;base64", "data:;base64,", "data:text/plain;base64,aGVsbG8=",
                "data:image/png;base64,aGVsbG8", "ftp://example.com/x.png", "file:///etc/passwd", "javascript:alert(1)", "http://",
                "https://[::1", "mailto:a@b.c", "urn:isbn:123", "", " ", "\t")),
            (includeMalformed ? 1 : 0, OddString));

        Schema = Gen.Frequency(
            (5, Gen.OneOf(
                "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}",
                "{}", "{\"type\":\"object\"}", "{\"type\":\"string\"}", "{\"type\":\"object\",\"properties\":{}}",
                "{\"type\":\"object\",\"properties\":{\"\":{\"type\":\"string\"}}}", "{\"$ref\":\"#/$defs/x\"}",
                "{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{\"a\":{\"type\":[\"string\",\"null\"]}}}",
                "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"b\":{\"enum\":[1,\"x\",null]}}}}}}")),
            (1, Gen.Int[1, includeMalformed ? 120 : 14].Select(NestedSchema)),
            (includeMalformed ? 2 : 0, Gen.OneOf(
                "{\"type\":\"object\",\"properties\":[]}", "{\"type\":\"object\",\"properties\":{\"a\":5}}", "{\"type\":\"object\",\"required\":\"x\"}",
                "{\"type\":[\"object\"]}", "{\"type\":\"object\",\"properties\":{\"\\ud800\":{}}}", "{\"items\":[{}]}")),
            (includeMalformed ? 2 : 0, OddValue));

        ContentPart = Gen.Frequency(
            (4, Object(Required("type", Or(Strings("text", "input_text", "output_text"))), Needed("text", Or(Text)))),
            (3, Object(Required("type", Strings("image_url")),
                Member("image_url", Or(Gen.Frequency(
                    (4, Object(Needed("url", Or(ImageUrl)), Member("detail", Or(Strings("auto", "low", "high", "bogus"))))),
                    (1, ImageUrl)))))),
            (2, Object(Required("type", Strings("input_image")), Needed("image_url", Or(ImageUrl)), Member("detail", Or(Strings("auto", "bogus"))),
                Member("file_id", Or(Strings("file-abc")), 1, 3))),
            (1, Object(Required("type", Or(Strings("input_file", "input_audio", "refusal", "bogus", ""))), Member("text", Or(Text)))),
            (1, Object(Member("text", Text))),
            (1, Text),
            (includeMalformed ? 1 : 0, OddValue));

        Content = Gen.Frequency(
            (4, Text),
            (1, Gen.Const("null")),
            (4, Array(ContentPart, 0, 4)),
            (includeMalformed ? 1 : 0, OddValue));

        Tool = Gen.Frequency(
            (4, Object(
                Member("type", Or(Strings("function")), 5),
                Needed("function", Or(Object(
                    Needed("name", Or(ToolName)),
                    Member("description", Or(Text)),
                    Member("parameters", Or(Schema)),
                    Member("strict", Or(Bool), 1, 2)))))),
            (3, Object(
                Required("type", Strings("function")),
                Needed("name", Or(ToolName)),
                Member("description", Or(Text)),
                Member("parameters", Or(Schema)),
                Member("strict", Or(Bool), 1, 2))),
            (2, Object(
                Required("type", Strings("custom")),
                Needed("name", Or(ToolName)),
                Member("description", Or(Text)),
                Member("format", Or(Object(
                    Member("type", Or(Strings("grammar", "text", "bogus"))),
                    Member("syntax", Or(Strings("lark", "regex"))),
                    Member("definition", Or(Text))))))),
            (1, Object(Required("type", Or(Strings("web_search", "file_search", "mcp", "bogus", ""))))),
            (includeMalformed ? 1 : 0, OddValue));

        ToolChoice = Or(Gen.Frequency(
            (2, Strings("auto", "none", "required", "any", "bogus", "")),
            (2, Object(
                Member("type", Or(Strings("function", "custom", "bogus"))),
                Member("function", Or(Object(Needed("name", Or(ToolName))))),
                Member("name", Or(ToolName))))));

        Effort = Or(Strings("none", "minimal", "low", "medium", "high", "xhigh", "bogus", ""));

        Format = Or(Gen.Frequency(
            (1, Object(Required("type", Or(Strings("text", "json_object", "json_schema", "bogus"))))),
            (2, Object(
                Required("type", Strings("json_schema")),
                Member("json_schema", Or(Object(Member("name", Or(ToolName)), Member("schema", Or(Schema)), Member("strict", Or(Bool))))),
                Member("name", Or(ToolName)),
                Member("schema", Or(Schema))))));
    }

    /// <summary>A 1×1 PNG as a data URL.</summary>
    private const string TinyPng =
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

    /// <summary>The proxy's aliases (one per provider kind), a direct route, unknown names and odd ones.</summary>
    public Gen<string> Model { get; }

    public Gen<string> Text { get; }

    /// <summary>Numbers for temperature-like options: in range, out of range, and (malformed) beyond what a float holds.</summary>
    public Gen<string> Number { get; }

    /// <summary>Numbers for token counts and seeds: in range, zero, negative, and (malformed) fractional or too large for an int.</summary>
    public Gen<string> Count { get; }

    public Gen<string> ToolName { get; }

    public Gen<string> CallId { get; }

    /// <summary>Tool-call arguments (a JSON string on the wire): JSON, not JSON, half JSON, raw patch text, broken text.</summary>
    public Gen<string> Arguments { get; } = Strings(
        "{}", "{\"path\":\"a.cs\"}", "not json", "", "[1]", "null", "{\"a\":", "{\"input\":\"*** Begin Patch\"}",
        "*** Begin Patch\n*** End Patch", "{\"a\":1e400}", "{\"a\":\"\\ud800\"}", "{\"input\":\"\\udc00\"}");

    /// <summary>Image URLs: what OpenAI accepts (huge ones too) and, when malformed, what it does not.</summary>
    public Gen<string> ImageUrl { get; }

    /// <summary>A JSON schema for tool parameters: usual, unusual, deep, and (malformed) wrong kinds or shapes.</summary>
    public Gen<string> Schema { get; }

    /// <summary>A content part of either API.</summary>
    public Gen<string> ContentPart { get; }

    /// <summary>Message content: text, null, parts, or something else.</summary>
    public Gen<string> Content { get; }

    /// <summary>A tool declaration: nested and flat functions, a custom tool, a hosted tool, or not a tool.</summary>
    public Gen<string> Tool { get; }

    public Gen<string> ToolChoice { get; }

    public Gen<string> Effort { get; }

    /// <summary>A structured-output format (Chat Completions <c>response_format</c>, Responses <c>text.format</c> when flat).</summary>
    public Gen<string> Format { get; }

    /// <summary>The generation options both body shapes share, each present a third of the time or less.</summary>
    public Gen<string>[] GenerationOptions() =>
    [
        Member("temperature", Or(Number), 1, 2),
        Member("top_p", Or(Number), 1, 2),
        Member("frequency_penalty", Or(Number), 1, 3),
        Member("presence_penalty", Or(Number), 1, 3),
        Member("seed", Or(Count), 1, 3),
        Member("max_tokens", Or(Count), 1, 2),
        Member("max_completion_tokens", Or(Count), 1, 3),
        Member("max_output_tokens", Or(Count), 1, 3),
        Member("stop", Or(Gen.Frequency((1, Text), (1, Array(Or(Text), 0, 5)))), 1, 3),
        Member("stream", Or(Bool), 1, 1),
        Member("stream_options", Or(Object(Member("include_usage", Or(Bool)))), 1, 3),
        Member("parallel_tool_calls", Or(Bool), 1, 3),
        Member("reasoning", Or(Object(Member("effort", Effort), Member("summary", Or(Strings("auto", "detailed"))))), 1, 2),
        Member("reasoning_effort", Effort, 1, 3),
        Member("tools", Or(Array(Tool, 0, 3)), 1, 1),
        Member("tool_choice", ToolChoice, 1, 2),
        Member("user", Or(Text), 1, 4),
        Member("metadata", Or(Object(Member("cursorConversationId", Or(Text)))), 1, 4),
        // Members the proxy does not know: never a reason for a 400.
        Member("x_cursor_future_field", AnyJson, 1, 4),
    ];

    /// <summary>A valid value, or in the malformed flavour now and then a malformed one.</summary>
    public Gen<string> Or(Gen<string> valid, int validWeight = 5) =>
        _includeMalformed ? Gen.Frequency((validWeight, valid), (1, OddValue)) : valid;

    /// <summary>A member a well-formed body always has, and a malformed one sometimes lacks.</summary>
    public Gen<string> Needed(string name, Gen<string> value) =>
        _includeMalformed ? Member(name, value, 8, 1) : Required(name, value);

    private static string NestedSchema(int depth) =>
        string.Concat(Enumerable.Repeat("{\"type\":\"object\",\"properties\":{\"a\":", depth)) + "{}" + new string('}', depth * 2);
}
