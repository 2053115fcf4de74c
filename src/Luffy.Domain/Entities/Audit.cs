namespace Luffy.Domain.Entities;

/// <summary>One write made in the back office: who, when, what, and the record before and after (JSON).</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    public int ActorId { get; set; }
    public required string ActorName { get; set; }
    /// <summary>What was done, e.g. <c>course.update</c>, <c>coupon.issue</c>.</summary>
    public required string Action { get; set; }
    /// <summary>The kind of record (<c>course</c>, <c>coupon</c> …) and its id.</summary>
    public required string Entity { get; set; }
    public required string EntityId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}
