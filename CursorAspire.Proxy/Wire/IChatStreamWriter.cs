using System.Buffers;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// A wire format for a streamed answer: what the one stream loop writes at the start, for each upstream update, at
/// the end, and when the upstream fails after the stream started. Implementations write to any
/// <see cref="IBufferWriter{T}"/> and never flush; the caller flushes when a call reports that it wrote something.
/// </summary>
public interface IChatStreamWriter
{
    /// <summary>Writes what opens the stream, if the format has anything. Returns whether anything was written.</summary>
    bool WriteStart(IBufferWriter<byte> output);

    /// <summary>
    /// Writes what tells the client the answer is on its way, for a stream opened before the model wrote anything (a
    /// thinking model): Chat Completions' role chunk; nothing in a format whose start already says it. Returns whether
    /// anything was written.
    /// </summary>
    bool WriteWaiting(IBufferWriter<byte> output) => false;

    /// <summary>Writes the events for one update. Returns whether anything was written.</summary>
    bool WriteUpdate(ChatResponseUpdate update, IBufferWriter<byte> output);

    /// <summary>Ends a stream that completed: finish reason, usage, the terminating event.</summary>
    void WriteEnd(IBufferWriter<byte> output);

    /// <summary>Ends a stream that failed after it started (the status is already 200), showing <paramref name="message"/>.</summary>
    void WriteFailed(string message, IBufferWriter<byte> output);

    /// <summary>The usage the upstream reported, if any.</summary>
    UsageDetails? ReportedUsage { get; }

    /// <summary>The usage the client was told at the end: the upstream's, with the proxy's estimates where it gave none.</summary>
    UsageDetails? FinalUsage { get; }

    /// <summary>
    /// What the answer has cost so far, for a stream that ended early (the upstream failed or the client left): the
    /// upstream's usage if it reported any, else estimates of the prompt and of the output written.
    /// </summary>
    UsageDetails UsageSoFar { get; }
}
