using Luffy.Web.Extensions;
using Luffy.Web.Refunds;

namespace Luffy.Web.Admin.Refunds;

/// <summary>
/// The back office's refund forms (the sign-in cookie and antiforgery, like the storefront's forms): refund an order's
/// courses, approve, refuse or retry a refund; each goes back to the page it came from with what happened.
/// </summary>
public static class RefundActions
{
    public static void MapRefundActions(this WebApplication app)
    {
        var forms = app.MapGroup("/admin").ForStorefront().RequireAuthorization(AdminSetup.Policy).ExcludeFromDescription();
        forms.MapPost("/orders/{number}/refund", async (string number, HttpContext http, RefundService refunds, [FromForm] string? reason, [FromForm] int[]? courses) =>
        {
            var back = $"/admin/orders/{Uri.EscapeDataString(number)}";
            if (courses is null or { Length: 0 })
                return Back(back, Refusal.Invalid("请选择要退款的课程"), null);
            var (refund, refusal) = await refunds.RefundByOperatorAsync(http.User, number, reason, courses);
            return Back(back, refusal, refund is null ? null : $"退款 {refund.RequestNo}：{refund.StatusText}");
        });
        forms.MapPost("/refunds/{id:long}/{decision}", async (long id, string decision, HttpContext http, RefundService refunds, [FromForm] string? note, [FromForm] string? back) =>
        {
            // Back to the queue or to the order page, never elsewhere.
            var target = IsBackOfficePath(back) ? back! : "/admin/refunds";
            var (refund, refusal) = decision switch
            {
                "approve" => await refunds.ApproveAsync(http.User, id, note),
                "refuse" => await refunds.RefuseAsync(http.User, id, note),
                "retry" => await refunds.RetryAsync(http.User, id),
                _ => (null, Refusal.NotFound("没有这个操作")),
            };
            return Back(target, refusal, refund is null ? null : $"退款 {refund.RequestNo}：{refund.StatusText}");
        });
    }

    /// <summary>A back-office path a Location header can carry: <c>/admin/…</c>, printable ASCII, at most 200 characters.</summary>
    private static bool IsBackOfficePath(string? path) =>
        path is { Length: > 7 and <= 200 } && path.StartsWith("/admin/", StringComparison.Ordinal) && path.All(c => c is > ' ' and < (char)127 and not '\\');

    private static IResult Back(string page, Refusal? refusal, string? done)
    {
        var separator = page.Contains('?') ? '&' : '?';
        return refusal is null
            ? Results.Redirect($"{page}{separator}done={Uri.EscapeDataString(done ?? "")}")
            : Results.Redirect($"{page}{separator}error={Uri.EscapeDataString(refusal.Message)}");
    }
}
