using Luffy.Domain.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Luffy.Web.Accounts;

/// <summary>
/// A new account: the rules for its name, password and mobile, and the unique indexes that settle races. The storefront,
/// the API and the back office (and its command line, which runs without Redis) register through it.
/// </summary>
public sealed class Registration(LuffyDbContext db, IPasswordHasher<User> hasher, TimeProvider clock)
{
    public const string UsernameTaken = "用户名已存在";

    public async Task<(User? User, AccountError? Error)> RegisterAsync(string? username, string? password, string? mobileInput)
    {
        var mobile = string.IsNullOrWhiteSpace(mobileInput) ? null : mobileInput.Trim();
        if (AccountRules.Validate(username, password, mobile) is { } problem)
            return (null, new AccountError(problem.StartsWith("用户名", StringComparison.Ordinal) ? "username" : problem.StartsWith("密码", StringComparison.Ordinal) ? "password" : "mobile", problem));
        var normalized = AccountRules.Normalize(username!);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalized))
            return (null, new AccountError("username", UsernameTaken));
        if (mobile is not null && await db.Users.AnyAsync(u => u.Mobile == mobile))
            return (null, new AccountError("mobile", "手机号已被注册"));

        var user = new User { Username = username!, Mobile = mobile, PasswordHash = "", CreatedAt = clock.GetUtcNow().UtcDateTime };
        user.PasswordHash = hasher.HashPassword(user, password!);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException)
        {
            // Lost a race with the same username or mobile: the unique indexes decide.
            db.ChangeTracker.Clear();
            return (null, new AccountError("username", mobile is null ? UsernameTaken : "用户名或手机号已被注册"));
        }
        return (user, null);
    }
}
