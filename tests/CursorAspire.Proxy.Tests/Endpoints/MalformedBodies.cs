using CsCheck;
using static CursorAspire.Proxy.Tests.Endpoints.JsonFragments;

namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// Whole request bodies in both shapes, built from <see cref="MalformedFields"/>: mostly the structure Cursor sends,
/// half of them well-formed with odd content (so they reach the upstreams), half with wrong kinds, broken text and
/// missing members mixed in at every level. Message order is random, so tool results without calls, calls without
/// results and conversations of system prompts alone come up.
/// </summary>
internal static class MalformedBodies
{
    /// <summary>A Chat Completions body (<c>messages</c>).</summary>
    public static readonly Gen<string> ChatCompletions = Gen.Frequency(
        (1, ChatCompletionsOf(MalformedFields.WellFormed)),
        (1, ChatCompletionsOf(MalformedFields.Malformed)));

    /// <summary>A Responses-shaped body (<c>input</c>): what Cursor's agent sends to chat/completions and any client to responses.</summary>
    public static readonly Gen<string> Responses = Gen.Frequency(
        (1, ResponsesOf(MalformedFields.WellFormed)),
        (1, ResponsesOf(MalformedFields.Malformed)));

    private static Gen<string> ChatCompletionsOf(MalformedFields f)
    {
        var toolCall = f.Or(Object(
            f.Needed("id", f.Or(f.CallId)),
            Member("type", f.Or(Strings("function", "custom")), 4),
            f.Needed("function", f.Or(Object(f.Needed("name", f.Or(f.ToolName)), Member("arguments", f.Or(f.Arguments), 6)))),
            Member("index", f.Or(f.Count), 1, 3)));

        var message = f.Or(Object(
            f.Needed("role", f.Or(Gen.Frequency(
                (8, Strings("system", "developer", "user", "assistant", "tool")),
                (1, Strings("function", "bogus", "", "USER", "model"))))),
            Member("content", f.Content, 6),
            Member("name", f.Or(f.Text), 1, 4),
            Member("tool_calls", f.Or(Array(toolCall, 0, 3)), 1, 3),
            Member("tool_call_id", f.Or(f.CallId), 1, 3),
            Member("reasoning_content", f.Or(f.Text), 1, 4),
            Member("x_unknown", AnyJson, 1, 6)), 8);

        return Object(
        [
            Member("model", f.Model, 8),
            f.Needed("messages", f.Or(Array(message, 0, 6), 8)),
            .. f.GenerationOptions(),
            Member("response_format", f.Format, 1, 3),
            Member("n", f.Or(f.Count), 1, 6),
            Member("logprobs", f.Or(MalformedFields.Bool), 1, 6),
        ]);
    }

    private static Gen<string> ResponsesOf(MalformedFields f)
    {
        var summary = f.Or(Array(
            f.Or(Object(Member("type", f.Or(Strings("summary_text", "reasoning_text"))), f.Needed("text", f.Or(f.Text)))), 0, 3));

        var inputItem = Gen.Frequency(
            (5, Object(
                Member("type", f.Or(Strings("message")), 1, 1),
                f.Needed("role", f.Or(Gen.Frequency(
                    (8, Strings("system", "developer", "user", "assistant")),
                    (1, Strings("tool", "bogus", ""))))),
                Member("content", f.Content, 6),
                Member("id", f.Or(Strings("msg_1")), 1, 4),
                Member("status", f.Or(Strings("completed", "in_progress")), 1, 4))),
            (3, Object(
                Required("type", Strings("function_call")),
                f.Needed("call_id", f.Or(f.CallId)),
                f.Needed("name", f.Or(f.ToolName)),
                Member("arguments", f.Or(f.Arguments), 6),
                Member("id", f.Or(Strings("fc_1")), 1, 4))),
            (3, Object(
                Required("type", Strings("function_call_output", "custom_tool_call_output")),
                f.Needed("call_id", f.Or(f.CallId)),
                Member("output", f.Or(Gen.Frequency((3, f.Text), (1, Array(f.ContentPart, 0, 3)))), 6))),
            (2, Object(
                Required("type", Strings("custom_tool_call")),
                f.Needed("call_id", f.Or(f.CallId)),
                f.Needed("name", f.Or(f.ToolName)),
                Member("input", f.Or(f.Text), 6))),
            (2, Object(
                Required("type", Strings("reasoning")),
                Member("summary", summary, 4),
                Member("content", summary, 1, 2),
                Member("encrypted_content", f.Or(f.Text), 1, 2),
                Member("id", f.Or(Strings("rs_1")), 1, 3))),
            (1, Object(Required("type", f.Or(Strings("item_reference", "web_search_call", "bogus", ""))), Member("id", f.Or(Strings("msg_1"))))),
            (1, f.Or(Object(Required("role", Strings("user")), Required("content", f.Text)), 1)));

        return Object(
        [
            Member("model", f.Model, 8),
            f.Needed("input", Gen.Frequency((6, Array(inputItem, 0, 6)), (2, f.Text), (1, f.Or(Gen.Const("null"), 1)))),
            Member("instructions", f.Or(f.Text), 1, 1),
            Member("previous_response_id", f.Or(Strings("resp_nope", "", "resp_" + new string('0', 400))), 1, 6),
            Member("store", f.Or(MalformedFields.Bool), 1, 3),
            .. f.GenerationOptions(),
            Member("text", f.Or(Object(Member("format", f.Format), Member("verbosity", f.Or(Strings("low", "bogus"))))), 1, 3),
            Member("include", f.Or(Array(f.Or(Strings("reasoning.encrypted_content", "bogus")), 0, 2)), 1, 4),
            Member("truncation", f.Or(Strings("auto", "disabled")), 1, 5),
        ]);
    }
}
