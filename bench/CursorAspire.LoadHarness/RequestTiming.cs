namespace CursorAspire.LoadHarness;

/// <summary>One request's client-side timings, in milliseconds from just before the send.</summary>
/// <param name="TimeToFirstByteMs">Until the first byte of the response body was read.</param>
/// <param name="TotalMs">Until the body was read to its end.</param>
/// <param name="TimeToFirstTokenMs">Until the read that carried the reply's first text chunk; NaN for a non-streamed response.</param>
public readonly record struct RequestTiming(double TimeToFirstByteMs, double TotalMs, double TimeToFirstTokenMs);
