namespace CursorAspire.Proxy.Wire.Responses;

/// <summary>The kinds of <c>output</c> item the proxy produces.</summary>
internal enum ResponseOutputItemKind
{
    /// <summary><c>message</c> with one <c>output_text</c> part.</summary>
    Message,

    /// <summary><c>reasoning</c> with one <c>reasoning_text</c> part.</summary>
    Reasoning,

    /// <summary><c>function_call</c>.</summary>
    FunctionCall,

    /// <summary><c>custom_tool_call</c>: a call of a tool the client declared as <c>custom</c>.</summary>
    CustomToolCall,
}
