using System.Globalization;

namespace CursorAspire.Check;

/// <summary>One step of the Cursor check: what it checked, how it went, how long it took, and in plain words why and what to do.</summary>
/// <param name="Name">The step, e.g. <c>Verify</c> or <c>Agent tools (local-qwen2.5-coder-7b)</c>.</param>
/// <param name="Outcome">Pass, warn, fail, or not run.</param>
/// <param name="Message">What happened; for a warning or a failure, also the fix.</param>
/// <param name="Elapsed">How long the step took.</param>
public sealed record CheckResult(string Name, CheckOutcome Outcome, string Message, TimeSpan Elapsed)
{
    /// <summary>A step that was not run, and why.</summary>
    public static CheckResult Skipped(string name, string why) => new(name, CheckOutcome.Skip, why, TimeSpan.Zero);

    /// <summary>The outcome as a fixed-width tag for logs and terminals: <c>PASS</c>, <c>WARN</c>, <c>FAIL</c>, <c>SKIP</c>.</summary>
    public string Tag => Outcome switch
    {
        CheckOutcome.Pass => "PASS",
        CheckOutcome.Warn => "WARN",
        CheckOutcome.Fail => "FAIL",
        _ => "SKIP",
    };

    /// <summary>One line: <c>[PASS] Verify (412 ms): …</c>.</summary>
    public override string ToString() => Outcome == CheckOutcome.Skip
        ? $"[{Tag}] {Name}: {Message}"
        : $"[{Tag}] {Name} ({Duration(Elapsed)}): {Message}";

    /// <summary>A duration for people: <c>38 ms</c> under a second, else <c>12.3 s</c>.</summary>
    public static string Duration(TimeSpan time) => time < TimeSpan.FromSeconds(1)
        ? string.Create(CultureInfo.InvariantCulture, $"{time.TotalMilliseconds:0} ms")
        : string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.0} s");
}
