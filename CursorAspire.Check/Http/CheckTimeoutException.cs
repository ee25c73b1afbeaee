using System.Globalization;

namespace CursorAspire.Check.Http;

/// <summary>A request of the check got no (complete) answer within its deadline.</summary>
/// <param name="timeout">The deadline that passed.</param>
internal sealed class CheckTimeoutException(TimeSpan timeout)
    : TimeoutException(string.Create(CultureInfo.InvariantCulture, $"no answer within {timeout.TotalSeconds:0} s"))
{
    /// <summary>The deadline that passed.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
