using System.Diagnostics.CodeAnalysis;
using Luffy.Infrastructure.Catalog;

namespace Luffy.Web.Cart;

/// <summary>Why a cart line cannot be bought now.</summary>
public enum CartLineProblem
{
    CourseMissing,
    CourseOffSale,
    OptionWithdrawn,
}

/// <summary>
/// Whether a cart line can be bought: its course still exists, is on sale and still offers the chosen validity. One rule
/// for the cart (the line stays, with its reason), the checkout list (the line is left out) and placing an order
/// (refused, naming the course).
/// </summary>
public static class CartLineCheck
{
    /// <summary>True with the line's course and option when it can be bought; otherwise its problem (and the course when it exists).</summary>
    public static bool CanBuy(IReadOnlyDictionary<int, CourseOffer> courses, int courseId, int expireTime,
        [NotNullWhen(true)] out CourseOffer? course, [NotNullWhen(true)] out ExpireOption? option, out CartLineProblem problem)
    {
        option = null;
        problem = CartLineProblem.CourseMissing;
        if (!courses.TryGetValue(courseId, out course))
            return false;
        problem = CartLineProblem.CourseOffSale;
        if (!course.IsOnSale)
            return false;
        problem = CartLineProblem.OptionWithdrawn;
        option = course.Option(expireTime);
        return option is not null;
    }

    /// <summary>The reason the cart shows beside the line.</summary>
    public static string Reason(CartLineProblem problem) => problem switch
    {
        CartLineProblem.CourseMissing => "课程不存在",
        CartLineProblem.CourseOffSale => "课程已下架",
        _ => "所选有效期已下架，请重新选择",
    };

    /// <summary>The refusal of an order that has the line selected, naming the course.</summary>
    public static string Refusal(CartLineProblem problem, int courseId, CourseOffer? course) => problem switch
    {
        CartLineProblem.CourseMissing => $"购物车中的课程（编号 {courseId}）已不存在，请将它删除",
        CartLineProblem.CourseOffSale => $"课程《{course?.Name}》已下架，请从购物车中删除",
        _ => $"课程《{course?.Name}》所选的有效期已下架，请重新选择",
    };
}
