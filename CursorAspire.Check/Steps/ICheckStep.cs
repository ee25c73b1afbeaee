using CursorAspire.Check.Http;

namespace CursorAspire.Check.Steps;

/// <summary>One step of the Cursor check.</summary>
internal interface ICheckStep
{
    /// <summary>The step's name in reports, e.g. <c>Verify</c> or <c>Chat (local-qwen2.5-coder-7b)</c>.</summary>
    string Name { get; }

    /// <summary>The model a per-model step checks; null for a step about the server as a whole.</summary>
    string? Model => null;

    /// <summary>What must have worked before this step can tell anything.</summary>
    CheckPrerequisite Requires { get; }

    /// <summary>
    /// Runs the step. Network failures (<see cref="HttpRequestException"/>) and deadlines (<see cref="CheckTimeoutException"/>)
    /// may escape: the runner turns them into a failure with <see cref="Diagnosis"/>.
    /// </summary>
    Task<CheckVerdict> RunAsync(CheckContext context, CancellationToken cancellationToken);
}
