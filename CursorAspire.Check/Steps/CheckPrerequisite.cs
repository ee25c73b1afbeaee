namespace CursorAspire.Check.Steps;

/// <summary>What a step needs from the steps before it; without it the step is not run.</summary>
internal enum CheckPrerequisite
{
    /// <summary>Nothing.</summary>
    None,

    /// <summary>The public URL answers (step 1).</summary>
    PublicUrl,

    /// <summary>The public URL answers and the key is not refused (steps 1 and 2).</summary>
    Key,
}
