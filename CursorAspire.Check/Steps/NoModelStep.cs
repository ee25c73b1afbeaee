namespace CursorAspire.Check.Steps;

/// <summary>Stands for the per-model steps when there is no model to run them with ('Models and key' said why).</summary>
internal sealed class NoModelStep : ICheckStep
{
    public string Name => "Models one by one";

    public CheckPrerequisite Requires => CheckPrerequisite.Key;

    public Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken) =>
        Task.FromResult(CheckVerdict.NotRun(
            "not run: no model to check (see 'Models and key'); name models with --model. Chat, agent tools and the context window were not checked."));
}
