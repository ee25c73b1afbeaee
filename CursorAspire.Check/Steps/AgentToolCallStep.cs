using System.Text.Json;
using CursorAspire.Check.Http;

namespace CursorAspire.Check.Steps;

/// <summary>
/// Step 4, per model: an agent turn as current Cursor sends it (Responses-shaped, on <c>/chat/completions</c>) with one
/// tool, asking for something only the tool can do. The answer must come back as Chat Completions chunks carrying a
/// call of that tool; a model that answers in text instead leaves Cursor's agent mode doing nothing. Once more, Claude-style:
/// the Anthropic-shaped body Cursor sends for a model name containing <c>claude</c>, with a tool turn in its history.
/// </summary>
/// <param name="model">The model name Cursor would send.</param>
/// <param name="claudeStyle">Send the Anthropic-shaped body (<see cref="CursorRequestBodies.ClaudeStyleAgentTurn"/>).</param>
internal sealed class AgentToolCallStep(string model, bool claudeStyle = false) : ICheckStep
{
    public string Name => claudeStyle ? $"Agent tools, Claude-style body ({model})" : $"Agent tools ({model})";

    public string? Model => model;

    public CheckPrerequisite Requires => CheckPrerequisite.Key;

    public async Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var body = claudeStyle ? CursorRequestBodies.ClaudeStyleAgentTurn(model) : CursorRequestBodies.AgentTurn(model);
        var turn = await StreamedTurn.SendAsync(context, body, context.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        if (turn.Refusal is { } refusal)
        {
            return CheckVerdict.Fail(refusal.Status == 400 && refusal.IsApiError
                ? claudeStyle
                    ? $"The server refuses Cursor's Claude-style requests ({refusal.Quote()}). For a model name containing 'claude' Cursor sends Anthropic-shaped bodies " +
                      "(system blocks, input_schema tools, tool_use/tool_result blocks) to /chat/completions and wants Chat Completions chunks back; name the model without 'claude', or use a server that reads that shape."
                    : $"The server refuses Cursor's agent requests ({refusal.Quote()}). Current Cursor sends agent turns Responses-shaped (input, flat tools) to /chat/completions " +
                      "and wants Chat Completions chunks back; a server that reads only Chat Completions bodies fails every agent turn."
                : $"Agent mode with {model} would fail in Cursor. {Diagnosis.Of(refusal)}") with { Unresponsive = refusal.IsGatewayTimeout };
        }

        if (turn.Problem is { } problem)
        {
            return CheckVerdict.Fail($"Agent mode with {model} would not work: {problem}.");
        }

        var stream = turn.Stream!;
        var calls = stream.ToolCalls;
        if (calls.Count == 0)
        {
            var said = HttpAnswer.Shorten(stream.Text, 120) is { Length: > 0 } text ? $"it answered in text: \"{text}\"" : "it answered nothing";
            return stream.FinishReason == "length"
                ? CheckVerdict.Warn($"{model} used all {CursorRequestBodies.AgentMaxOutputTokens} answer tokens the check allows (thinking, probably) before calling a tool, so the check cannot tell whether it calls tools ({said}).")
                : CheckVerdict.Fail($"This model does not call tools: agent mode will not work with it. Asked to read a file with the {CursorRequestBodies.AgentToolName} tool, {said}. " +
                    "Use a model trained for tool calling in agent mode (e.g. qwen2.5-coder, qwen3, llama3.1); Ask mode still works with this one.");
        }

        var call = calls[0];
        if (!string.Equals(call.Name, CursorRequestBodies.AgentToolName, StringComparison.Ordinal))
        {
            return CheckVerdict.Warn($"{model} called a tool, but '{call.Name}', not the {CursorRequestBodies.AgentToolName} tool it was offered: Cursor cannot run a tool it did not offer.");
        }

        if (string.IsNullOrEmpty(call.Id))
        {
            return CheckVerdict.Fail($"{model}'s tool call came without an id: Cursor cannot send the tool's result back.");
        }

        if (!IsJsonObject(call.Arguments.ToString()))
        {
            return CheckVerdict.Warn($"{model} called {call.Name}, but its arguments are not a JSON object ({HttpAnswer.Shorten(call.Arguments.ToString(), 120)}): Cursor cannot run the tool with them.");
        }

        return stream.FinishReason == "tool_calls"
            ? CheckVerdict.Pass($"{(claudeStyle ? "A Claude-style (Anthropic-shaped)" : "A Responses-shaped")} agent turn came back as a {call.Name} tool call ({HttpAnswer.Shorten(call.Arguments.ToString(), 120)}).")
            : CheckVerdict.Warn($"{model} called {call.Name}, but the stream finished with '{stream.FinishReason ?? "no finish_reason"}' rather than 'tool_calls'; Cursor may not run the tool.");
    }

    private static bool IsJsonObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
