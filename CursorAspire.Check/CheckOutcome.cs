namespace CursorAspire.Check;

/// <summary>How one step of the Cursor check went.</summary>
public enum CheckOutcome
{
    /// <summary>Cursor will work as far as this step can tell.</summary>
    Pass,

    /// <summary>Cursor will work, but something deserves attention (slow, or likely to break).</summary>
    Warn,

    /// <summary>Cursor will fail here; the message says why and what to do.</summary>
    Fail,

    /// <summary>Not run, because an earlier step failed in a way that makes it pointless (the message names it).</summary>
    Skip,
}
