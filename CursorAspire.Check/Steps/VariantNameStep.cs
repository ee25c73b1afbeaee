using CursorAspire.Contracts;

namespace CursorAspire.Check.Steps;

/// <summary>
/// Once: a short streamed chat under a variant name, as Cursor sends for its own features and effort levels
/// (<c>&lt;model&gt;-thinking</c>; <see cref="CursorModelNames.VariantSuffixes"/>). The name still means the model in
/// front of the suffix; a server that refuses it fails whenever the user picks thinking or an effort in Cursor.
/// </summary>
/// <param name="model">A model the server serves.</param>
internal sealed class VariantNameStep(string model) : ICheckStep
{
    /// <summary>The suffix the step appends.</summary>
    public const string Suffix = "-thinking";

    public string Name => $"Variant name ({model}{Suffix})";

    public string? Model => model;

    public CheckPrerequisite Requires => CheckPrerequisite.Key;

    public async Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken)
    {
        var variant = model + Suffix;
        var turn = await StreamedTurn.SendAsync(context, CursorRequestBodies.StreamedChat(variant), context.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return turn switch
        {
            { Refusal: { } refusal } => CheckVerdict.Fail(
                $"The server refuses '{variant}' ({refusal.Quote()}). Cursor appends {string.Join(", ", CursorModelNames.VariantSuffixes)} to the model the user picked " +
                $"(thinking, effort levels, its own modes); the name still means {model}. CursorAspire routes such names to the alias in front of the suffix.")
                with { Unresponsive = refusal.IsGatewayTimeout },
            { Problem: { } problem } => CheckVerdict.Fail($"'{variant}' would not show in Cursor: {problem}."),
            _ => CheckVerdict.Pass($"Cursor's variant name '{variant}' streamed an answer."),
        };
    }
}
