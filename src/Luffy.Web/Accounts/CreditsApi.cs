using Luffy.Web.Extensions;
using Microsoft.Extensions.Options;

namespace Luffy.Web.Accounts;

public sealed record CreditEntryDto(long Delta, long BalanceAfter, string Reason, string? OrderNumber, DateTime CreatedAt);

public sealed record CreditStatement(long Credit, int CreditsPerYuan, IReadOnlyList<CreditEntryDto> History);

public static class CreditsApi
{
    public const int HistoryLength = 100;

    public static IEndpointRouteBuilder MapCreditsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/users/credit/", Statement).WithTags("Accounts").RequireAuthorization();
        return app;
    }

    /// <summary>The balance, the rate and the latest ledger rows, newest first.</summary>
    public static async Task<Ok<CreditStatement>> Statement(HttpContext http, LuffyDbContext db, IOptions<LuffyOptions> options)
    {
        var userId = http.User.UserId();
        var credit = await db.Users.Where(u => u.Id == userId).Select(u => (long?)u.Credit).SingleOrDefaultAsync()
            ?? throw new AccountGoneException();
        var history = await db.CreditEntries.AsNoTracking().Where(e => e.UserId == userId).OrderByDescending(e => e.Id).Take(HistoryLength)
            .Select(e => new CreditEntryDto(e.Delta, e.BalanceAfter, e.Reason, e.OrderNumber, e.CreatedAt)).ToListAsync();
        return TypedResults.Ok(new CreditStatement(credit, options.Value.CreditsPerYuan, history));
    }
}
