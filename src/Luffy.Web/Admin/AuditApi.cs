using Luffy.Web.Components;
using Luffy.Web.Catalog;

namespace Luffy.Web.Admin;

public sealed record AuditEntryDto(long Id, DateTime At, int ActorId, string ActorName, string Action, string Entity, string EntityId, string? Before, string? After);

/// <summary>The filters of the audit log (all optional): who, what kind of record and which, what was done, from/to (UTC).</summary>
public sealed record AuditFilter(string? Actor, string? Entity, string? EntityId, string? Action, DateTime? From, DateTime? To);

/// <summary>The audit log, newest first, for the page and the API alike.</summary>
public sealed class AuditQueries(LuffyDbContext db)
{
    public async Task<(PagedList<AuditEntryDto>? Page, string? Error)> ListAsync(AuditFilter filter, int? page, int? size)
    {
        var (p, error) = ListPage.From(page, size, defaultSize: 20, maxSize: 100);
        if (error is not null)
            return (null, error);
        if (filter.From is { } from && filter.To is { } to && to < from)
            return (null, "结束时间不能早于开始时间");
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Actor))
            query = query.Where(a => a.ActorName == filter.Actor.Trim());
        if (!string.IsNullOrWhiteSpace(filter.Entity))
            query = query.Where(a => a.Entity == filter.Entity.Trim());
        if (!string.IsNullOrWhiteSpace(filter.EntityId))
            query = query.Where(a => a.EntityId == filter.EntityId.Trim());
        if (!string.IsNullOrWhiteSpace(filter.Action))
            query = query.Where(a => a.Action.StartsWith(filter.Action.Trim()));
        if (filter.From is { } start)
            query = query.Where(a => a.At >= start);
        if (filter.To is { } end)
            query = query.Where(a => a.At < end);
        var count = await query.CountAsync();
        var rows = await query.OrderByDescending(a => a.Id).Skip(p.Offset).Take(p.Size)
            .Select(a => new AuditEntryDto(a.Id, a.At, a.ActorId, a.ActorName, a.Action, a.Entity, a.EntityId, a.Before, a.After))
            .ToListAsync();
        return (new PagedList<AuditEntryDto>(count, p.Number, p.Size, rows), null);
    }
}

public static class AuditApi
{
    public static void MapAuditApi(this RouteGroupBuilder api) =>
        api.MapGet("/audit", async Task<Results<Ok<PagedList<AuditEntryDto>>, BadRequest<ApiMessage>>> (
                AuditQueries audit, string? actor, string? entity, string? entity_id, string? action, DateTime? from, DateTime? to, int? page, int? size) =>
            await audit.ListAsync(new AuditFilter(actor, entity, entity_id, action, Format.AsUtc(from), Format.AsUtc(to)), page, size) switch
            {
                ({ } list, _) => TypedResults.Ok(list),
                (_, var error) => ApiErrors.BadRequest(error!),
            }).WithSummary("The audit log of back-office writes, newest first");
}
