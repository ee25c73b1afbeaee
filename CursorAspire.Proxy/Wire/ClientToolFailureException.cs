namespace CursorAspire.Proxy.Wire;

/// <summary>
/// The client marked a tool result as a failure (Anthropic's <c>tool_result.is_error</c>): set as the result's
/// <see cref="FunctionResultContent.Exception"/>, which Anthropic's adapter sends back as <c>is_error: true</c>. The result's
/// text (the command's output) is what the model reads either way.
/// </summary>
public sealed class ClientToolFailureException() : Exception("The client reported that the tool call failed.");
