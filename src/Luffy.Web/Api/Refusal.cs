namespace Luffy.Web.Api;

public enum RefusalKind
{
    /// <summary>The request cannot be met as asked (400).</summary>
    Invalid,
    /// <summary>What it names is not there, or not the caller's (404).</summary>
    NotFound,
    /// <summary>It is there, but its state does not allow it (409).</summary>
    Conflict,
}

/// <summary>
/// A service's "no", with the message the user reads. Services return it to the API and the storefront alike; only
/// the API turns it into a status code (<see cref="ApiErrors.Refuse{T}"/>), the storefront shows the message.
/// </summary>
public sealed record Refusal(RefusalKind Kind, string Message)
{
    public static Refusal Invalid(string message) => new(RefusalKind.Invalid, message);
    public static Refusal NotFound(string message) => new(RefusalKind.NotFound, message);
    public static Refusal Conflict(string message) => new(RefusalKind.Conflict, message);
}
