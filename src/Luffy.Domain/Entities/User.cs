namespace Luffy.Domain.Entities;

public sealed class User
{
    public int Id { get; set; }
    private string _username = "";

    public required string Username
    {
        get => _username;
        init
        {
            _username = value;
            NormalizedUsername = Accounts.AccountRules.Normalize(value);
        }
    }

    /// <summary>The username in lower case: names are unique and found without regard to case.</summary>
    public string NormalizedUsername { get; set; } = "";
    public string? Mobile { get; set; }
    public required string PasswordHash { get; set; }
    /// <summary>贝里 balance; changed only together with a <see cref="CreditEntry"/>.</summary>
    public long Credit { get; set; }
    public bool IsAdmin { get; set; }
    /// <summary>A disabled account cannot sign in, and its tokens and cookies are refused.</summary>
    public bool IsDisabled { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>One change of a user's credit balance (the ledger).</summary>
public sealed class CreditEntry
{
    public long Id { get; set; }
    public int UserId { get; set; }
    public long Delta { get; set; }
    public long BalanceAfter { get; set; }
    public required string Reason { get; set; }
    public string? OrderNumber { get; set; }
    public DateTime CreatedAt { get; set; }
}
