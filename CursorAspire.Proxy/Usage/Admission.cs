namespace CursorAspire.Proxy.Usage;

/// <summary>What the ledger answered a request asking for room in its key's budget.</summary>
/// <param name="Reservation">What is now held for it; null when it was refused.</param>
/// <param name="Spent">Tokens the key spent today before this request.</param>
/// <param name="Reserved">Tokens held by the key's other requests in flight.</param>
public sealed record Admission(TokenReservation? Reservation, long Spent, long Reserved)
{
    /// <summary>Whether the request may go upstream.</summary>
    public bool Admitted => Reservation is not null;
}
