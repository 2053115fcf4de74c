using System.Security.Claims;
using Luffy.Web.Accounts;

namespace Luffy.Web.Admin;

public sealed record AdminDto(int Id, string Username, string? Mobile, DateTime CreatedAt, bool IsDisabled);
public sealed record CreateAdminRequest(string? Username, string? Password, string? Mobile);

/// <summary>
/// Who may operate the shop. Production has no default admin: the first is made on the command line
/// (<see cref="AdminCommand"/>), and admins make (or unmake) the others. Never the last active admin is removed.
/// </summary>
public sealed class AdminAccounts(LuffyDbContext db, Registration registration, AuditLog audit, IServiceProvider services)
{
    /// <summary>The name the command line writes into the audit log.</summary>
    public const string CommandLine = "命令行";

    public Task<List<AdminDto>> ListAsync() =>
        db.Users.AsNoTracking().Where(u => u.IsAdmin).OrderBy(u => u.Id)
            .Select(u => new AdminDto(u.Id, u.Username, u.Mobile, u.CreatedAt, u.IsDisabled)).ToListAsync();

    /// <summary>A new account with the admin role; <paramref name="actor"/> null for the command line.</summary>
    public async Task<(AdminDto? Admin, Refusal? Refusal)> CreateAsync(ClaimsPrincipal? actor, string? username, string? password, string? mobile)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var (user, error) = await registration.RegisterAsync(username, password, mobile);
        if (user is null)
            return (null, Refusal.Invalid(error!.Message));
        user.IsAdmin = true;
        var dto = Dto(user);
        if (actor is null)
            audit.Add(0, CommandLine, "admin.create", "user", user.Id, null, dto);
        else
            audit.Add(actor, "admin.create", "user", user.Id, null, dto);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return (dto, null);
    }

    /// <summary>Gives an existing account the admin role.</summary>
    public Task<(AdminDto? Admin, Refusal? Refusal)> GrantAsync(ClaimsPrincipal actor, string username) =>
        SetRoleAsync(actor, username, admin: true);

    /// <summary>Takes the admin role away (not from oneself, never from the last active admin).</summary>
    public Task<(AdminDto? Admin, Refusal? Refusal)> RevokeAsync(ClaimsPrincipal actor, string username) =>
        SetRoleAsync(actor, username, admin: false);

    private async Task<(AdminDto? Admin, Refusal? Refusal)> SetRoleAsync(ClaimsPrincipal actor, string username, bool admin)
    {
        var normalized = Luffy.Domain.Accounts.AccountRules.Normalize(username ?? "");
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized);
        if (user is null)
            return (null, Refusal.NotFound("用户不存在"));
        if (user.IsAdmin == admin)
            return (Dto(user), null);
        if (!admin && user.Id == actor.UserId())
            return (null, Refusal.Conflict("不能取消自己的管理员权限"));
        if (!admin && !user.IsDisabled && await db.Users.CountAsync(u => u.IsAdmin && !u.IsDisabled) <= 1)
            return (null, Refusal.Conflict("至少要保留一个可用的管理员"));
        var before = Dto(user);
        user.IsAdmin = admin;
        audit.Add(actor, admin ? "admin.grant" : "admin.revoke", "user", user.Id, before, Dto(user));
        await db.SaveChangesAsync();
        // The role is in the account's tokens and cookies: every instance checks them against the account again.
        // (Resolved here: the command line creates admins without connecting to Redis.)
        await services.GetRequiredService<UserAccess>().ForgetAsync(user.Id);
        return (Dto(user), null);
    }

    private static AdminDto Dto(User u) => new(u.Id, u.Username, u.Mobile, u.CreatedAt, u.IsDisabled);
}

public static class AdminAccountsApi
{
    public static void MapAdminAccountsApi(this RouteGroupBuilder api)
    {
        var admins = api.MapGroup("/admins");
        admins.MapGet("/", async (AdminAccounts service) => TypedResults.Ok(await service.ListAsync()))
            .WithSummary("The admin accounts");
        admins.MapPost("/", async Task<Results<Created<AdminDto>, BadRequest<ApiMessage>, NotFound<ApiMessage>>> (CreateAdminRequest request, ClaimsPrincipal user, AdminAccounts service) =>
            await service.CreateAsync(user, request.Username, request.Password, request.Mobile) switch
            {
                ({ } admin, _) => TypedResults.Created($"/admin/api/admins/{admin.Username}", admin),
                (_, var refusal) => refusal!.Kind == RefusalKind.NotFound ? ApiErrors.NotFound(refusal.Message) : ApiErrors.BadRequest(refusal.Message),
            }).WithSummary("Creates an account with the admin role");
        admins.MapPut("/{username}", async (string username, ClaimsPrincipal user, AdminAccounts service) =>
            await service.GrantAsync(user, username) switch
            {
                ({ } admin, _) => TypedResults.Ok(admin),
                (_, var refusal) => ApiErrors.RefuseOrConflict<AdminDto>(refusal!),
            }).WithSummary("Gives an existing account the admin role");
        admins.MapDelete("/{username}", async (string username, ClaimsPrincipal user, AdminAccounts service) =>
            await service.RevokeAsync(user, username) switch
            {
                ({ } admin, _) => TypedResults.Ok(admin),
                (_, var refusal) => ApiErrors.RefuseOrConflict<AdminDto>(refusal!),
            }).WithSummary("Takes the admin role away (not one's own, never the last admin's)");
    }
}
