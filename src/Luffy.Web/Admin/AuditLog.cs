using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Luffy.Web.Admin;

/// <summary>
/// The record of every back-office write. <see cref="Add"/> puts the entry into the same unit of work as the change, so
/// that the change and its record are committed together or not at all.
/// </summary>
public sealed class AuditLog(LuffyDbContext db, TimeProvider clock)
{
    // Chinese stays readable in the stored JSON; snake_case like the API.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Records <paramref name="action"/> on <paramref name="entity"/> <paramref name="id"/> by <paramref name="actor"/>; saved with the next SaveChanges.</summary>
    public AuditEntry Add(ClaimsPrincipal actor, string action, string entity, object id, object? before, object? after) =>
        Add(actor.UserId(), actor.Identity?.Name ?? "", action, entity, id, before, after);

    /// <summary>As above, for an actor that is not a signed-in user (the command line: id 0).</summary>
    public AuditEntry Add(int actorId, string actorName, string action, string entity, object id, object? before, object? after)
    {
        var entry = new AuditEntry
        {
            At = clock.GetUtcNow().UtcDateTime,
            ActorId = actorId,
            ActorName = actorName,
            Action = action,
            Entity = entity,
            EntityId = Convert.ToString(id, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            Before = Serialize(before),
            After = Serialize(after),
        };
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>A record as the log keeps it (JSON, cut to the column's 16 000 characters).</summary>
    public static string? Serialize(object? value)
    {
        if (value is null)
            return null;
        var json = JsonSerializer.Serialize(value, value.GetType(), Json);
        return json.Length <= 16000 ? json : json[..15990] + "…";
    }
}
