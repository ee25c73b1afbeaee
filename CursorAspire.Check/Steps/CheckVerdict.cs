
namespace CursorAspire.Check.Steps;

/// <summary>What a step concluded, before the runner adds its name and time.</summary>
/// <param name="Outcome">Pass, warn, fail, or not run.</param>
/// <param name="Message">Plain words; for a warning or a failure, the fix too.</param>
internal readonly record struct CheckVerdict(CheckOutcome Outcome, string Message)
{
    /// <summary>The server did not answer in time: the later steps that need it are not run (each would wait as long).</summary>
    public bool Unresponsive { get; init; }

    public static CheckVerdict Pass(string message) => new(CheckOutcome.Pass, message);

    public static CheckVerdict Warn(string message) => new(CheckOutcome.Warn, message);

    public static CheckVerdict Fail(string message) => new(CheckOutcome.Fail, message);

    public static CheckVerdict NotRun(string why) => new(CheckOutcome.Skip, why);
}
