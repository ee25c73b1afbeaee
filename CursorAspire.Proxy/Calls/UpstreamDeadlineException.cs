namespace CursorAspire.Proxy.Calls;

/// <summary>An upstream call ran past one of the proxy's deadlines after it started streaming.</summary>
public sealed class UpstreamDeadlineException(string message, Exception? inner = null) : TimeoutException(message, inner);
