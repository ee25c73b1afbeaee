using System.ClientModel.Primitives;
using CursorAspire.Proxy.Wire.Json;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// The members of a Chat Completions body that come from M.E.AI's <see cref="ChatOptions"/> (<see cref="OpenAIChatRequestWriter"/>),
/// as M.E.AI 10.11's OpenAI client converts them and the OpenAI SDK 2.15 writes them, in the SDK's order.
/// </summary>
internal static class OpenAIChatOptionsWriter
{
    /// <summary><c>temperature</c> and <c>top_p</c>, which the SDK writes before the messages.</summary>
    public static void WriteSampling(Utf8JsonWriter writer, ChatOptions? options)
    {
        WriteNumber(writer, "temperature"u8, options?.Temperature);
        WriteNumber(writer, "top_p"u8, options?.TopP);
    }

    /// <summary>Every option the SDK writes after the model, in its order, through <c>parallel_tool_calls</c>.</summary>
    public static void Write(Utf8JsonWriter writer, ChatOptions? options, bool stream)
    {
        if (options is null)
        {
            if (stream)
            {
                writer.WriteBoolean("stream"u8, true);
                WriteStreamOptions(writer);
            }
            return;
        }
        if (ReasoningEffort(options.Reasoning?.Effort) is { } effort)
        {
            writer.WriteString("reasoning_effort"u8, effort);
        }
        if (options.MaxOutputTokens is { } maxOutputTokens)
        {
            writer.WriteNumber("max_completion_tokens"u8, maxOutputTokens);
        }
        WriteNumber(writer, "frequency_penalty"u8, options.FrequencyPenalty);
        WriteNumber(writer, "presence_penalty"u8, options.PresencePenalty);

        var tools = options.Tools;
        var functions = 0;
        var webSearch = false;
        if (tools is not null)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                functions += tools[i] is AIFunctionDeclaration ? 1 : 0;
                webSearch |= tools[i] is HostedWebSearchTool;
            }
        }
        if (webSearch)
        {
            writer.WriteStartObject("web_search_options"u8);
            writer.WriteEndObject();
        }
        WriteResponseFormat(writer, options);
        if (stream)
        {
            writer.WriteBoolean("stream"u8, true);
        }
        if (options.StopSequences is { Count: > 0 } stop)
        {
            writer.WriteStartArray("stop"u8);
            for (var i = 0; i < stop.Count; i++)
            {
                writer.WriteStringValue(stop[i]);
            }
            writer.WriteEndArray();
        }
        if (options.Seed is { } seed)
        {
            writer.WriteNumber("seed"u8, seed);
        }
        if (stream)
        {
            WriteStreamOptions(writer);
        }
        if (functions > 0)
        {
            WriteTools(writer, tools!, options);
        }
    }

    private static void WriteStreamOptions(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("stream_options"u8);
        writer.WriteBoolean("include_usage"u8, true);
        writer.WriteEndObject();
    }

    /// <summary><c>tools</c> (each function as kept once), <c>tool_choice</c> from the tool mode, <c>parallel_tool_calls</c> when set.</summary>
    private static void WriteTools(Utf8JsonWriter writer, IList<AITool> tools, ChatOptions options)
    {
        var strict = OpenAIToolDeclarations.StrictOf(options.AdditionalProperties);
        writer.WriteStartArray("tools"u8);
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is AIFunctionDeclaration declaration)
            {
                writer.WriteRawValue(OpenAIToolDeclarations.Of(declaration, strict), skipInputValidation: true);
            }
        }
        writer.WriteEndArray();
        switch (options.ToolMode)
        {
            case NoneChatToolMode:
                writer.WriteString("tool_choice"u8, "none"u8);
                break;
            case AutoChatToolMode or null:
                writer.WriteString("tool_choice"u8, "auto"u8);
                break;
            case RequiredChatToolMode { RequiredFunctionName: null }:
                writer.WriteString("tool_choice"u8, "required"u8);
                break;
            case RequiredChatToolMode { RequiredFunctionName: { } name }:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, name);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
        }
        if (options.AllowMultipleToolCalls is { } parallel)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
        }
    }

    /// <summary>
    /// Text and JSON as their one-member objects; a JSON schema through M.E.AI's own conversion and the SDK's writer (its
    /// strict transform of the schema is M.E.AI's to apply; a rare option, the cold path).
    /// </summary>
    private static void WriteResponseFormat(Utf8JsonWriter writer, ChatOptions options)
    {
        switch (options.ResponseFormat)
        {
            case ChatResponseFormatText:
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "text"u8);
                writer.WriteEndObject();
                break;
            case ChatResponseFormatJson { Schema: null }:
                writer.WriteStartObject("response_format"u8);
                writer.WriteString("type"u8, "json_object"u8);
                writer.WriteEndObject();
                break;
            case ChatResponseFormatJson format:
#pragma warning disable OPENAI001 // M.E.AI's own conversion, evaluation-only in name: it is what its client sends.
                var converted = OpenAIChat.MicrosoftExtensionsAIChatExtensions.AsOpenAIChatResponseFormat(format, options)!;
#pragma warning restore OPENAI001
                writer.WritePropertyName("response_format"u8);
                writer.WriteRawValue(JsonWhitespace.Strip(ModelReaderWriter.Write(converted).ToMemory().Span), skipInputValidation: true);
                break;
        }
    }

    /// <summary>M.E.AI's effort levels by their wire names; an effort it has no level for is left out.</summary>
    private static string? ReasoningEffort(ReasoningEffort? effort) => effort switch
    {
        Microsoft.Extensions.AI.ReasoningEffort.None => "none",
        Microsoft.Extensions.AI.ReasoningEffort.Low => "low",
        Microsoft.Extensions.AI.ReasoningEffort.Medium => "medium",
        Microsoft.Extensions.AI.ReasoningEffort.High => "high",
        Microsoft.Extensions.AI.ReasoningEffort.ExtraHigh => "xhigh",
        _ => null,
    };

    private static void WriteNumber(Utf8JsonWriter writer, ReadOnlySpan<byte> name, float? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
