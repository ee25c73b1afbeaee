namespace CursorAspire.Tunnel.Install;

/// <summary>cloudflared could not be downloaded, or what was downloaded was refused; the message says why, for the user.</summary>
public sealed class CloudflaredInstallException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CloudflaredInstallException()
    {
    }

    /// <summary>Creates the exception with the reason shown to the user.</summary>
    /// <param name="message">Why, in words the dashboard shows.</param>
    public CloudflaredInstallException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the reason shown to the user and its cause.</summary>
    /// <param name="message">Why, in words the dashboard shows.</param>
    /// <param name="innerException">The cause.</param>
    public CloudflaredInstallException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
