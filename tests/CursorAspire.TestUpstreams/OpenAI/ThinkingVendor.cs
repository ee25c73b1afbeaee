namespace CursorAspire.TestUpstreams;

/// <summary>How a model of the OpenAI-compatible stand-in sends its reasoning, and what its API asks of the history.</summary>
internal enum ThinkingVendor
{
    /// <summary>Plain OpenAI-compatible: scripted reasoning goes out as <c>reasoning_content</c>; no history rules.</summary>
    None,

    /// <summary>DeepSeek's thinking mode: <c>reasoning_content</c>; a tool-call turn without it is refused.</summary>
    DeepSeek,

    /// <summary>Moonshot's Kimi K2 thinking models: <c>reasoning_content</c>; refused like DeepSeek, in Moonshot's words.</summary>
    Kimi,

    /// <summary>Zhipu's GLM: <c>reasoning_content</c>; the API takes a history without it (recorded, refused only in strict mode).</summary>
    Glm,

    /// <summary>MiniMax-M2: reasoning inside <c>&lt;think&gt;</c> in <c>content</c>; the API takes it stripped (recorded, refused only in strict mode).</summary>
    MiniMax,
}
