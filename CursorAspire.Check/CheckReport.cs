using System.Text;

namespace CursorAspire.Check;

/// <summary>Everything one run of the Cursor check found.</summary>
/// <param name="BaseUrl">The base URL checked (what Cursor's "Override OpenAI Base URL" holds).</param>
/// <param name="Results">Each step's result, in the order they ran.</param>
public sealed record CheckReport(Uri BaseUrl, IReadOnlyList<CheckResult> Results)
{
    /// <summary>Steps that passed.</summary>
    public int Passed => Count(CheckOutcome.Pass);

    /// <summary>Steps that passed with a warning.</summary>
    public int Warnings => Count(CheckOutcome.Warn);

    /// <summary>Steps that failed.</summary>
    public int Failed => Count(CheckOutcome.Fail);

    /// <summary>Steps not run because of an earlier failure.</summary>
    public int NotRun => Count(CheckOutcome.Skip);

    /// <summary>Whether any step failed: Cursor will not work (fully) with this URL and key.</summary>
    public bool HasFailures => Failed > 0;

    /// <summary>E.g. <c>7/7 passed</c> or <c>4/7 passed, 1 warning, 1 failed, 1 not run</c>.</summary>
    public string Summary
    {
        get
        {
            var text = new StringBuilder().Append(Passed).Append('/').Append(Results.Count).Append(" passed");
            Append(text, Warnings, "warning", "warnings");
            Append(text, Failed, "failed", "failed");
            Append(text, NotRun, "not run", "not run");
            return text.ToString();
        }
    }

    /// <summary>The results that did not pass, one line each; empty when all passed.</summary>
    public IEnumerable<CheckResult> Problems => Results.Where(r => r.Outcome is CheckOutcome.Warn or CheckOutcome.Fail);

    /// <summary>The multi-line report: <c>Cursor check of URL: summary</c>, then one line per step.</summary>
    public string ToText()
    {
        var text = new StringBuilder().Append("Cursor check of ").Append(BaseUrl).Append(": ").Append(Summary);
        foreach (var result in Results)
        {
            text.AppendLine().Append("  ").Append(result);
        }

        return text.ToString();
    }

    private int Count(CheckOutcome outcome) => Results.Count(r => r.Outcome == outcome);

    private static void Append(StringBuilder text, int count, string one, string many)
    {
        if (count > 0)
        {
            text.Append(", ").Append(count).Append(' ').Append(count == 1 ? one : many);
        }
    }
}
