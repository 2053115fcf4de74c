using System.ComponentModel.DataAnnotations;

namespace Luffy.Web.Cart;

/// <summary><c>expire_time</c> may be left out: permanent (0).</summary>
public sealed record AddToCartRequest([Required(ErrorMessage = CartDtos.NoCourseId)] int? CourseId, int? ExpireTime);
public sealed record SelectRequest([Required(ErrorMessage = CartDtos.NoCourseId)] int? CourseId, [Required(ErrorMessage = "缺少参数 selected")] bool? Selected);
public sealed record ChangeExpireRequest([Required(ErrorMessage = CartDtos.NoCourseId)] int? CourseId, [Required(ErrorMessage = "缺少参数 expire_time")] int? ExpireTime);
public sealed record RemoveRequest(int? CourseId);

public sealed record CartMessage(string Message, long CartLength);
public sealed record ExpireChanged(string Message, decimal Price, decimal RealPrice);

public sealed record CartExpireOption(int ExpireTime, string ExpireText, decimal Price, decimal RealPrice);

/// <summary>
/// A line of <c>GET /cart/</c>. A course deleted or taken off sale since it was carted stays listed with
/// <c>available: false</c> and the reason, so the user can see it and remove it.
/// </summary>
public sealed record CartLine(
    int CourseId, string CourseImg, string CourseName, decimal Price, decimal RealPrice, bool Selected,
    int ExpireTime, string ExpireText, string DiscountName, IReadOnlyList<CartExpireOption> ExpireList,
    bool Available, string? UnavailableReason);

/// <summary>A line of the checkout list, <c>GET /cart/order/</c>.</summary>
public sealed record CheckoutLine(
    int CourseId, string CourseImg, string CourseName, decimal Price, decimal RealPrice, bool Selected,
    int ExpireTime, string ExpireText, string DiscountName);

internal static class CartDtos
{
    public const string NoCourseId = "缺少参数 course_id";
}
