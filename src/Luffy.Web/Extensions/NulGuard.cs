namespace Luffy.Web.Extensions;

/// <summary>
/// A NUL character in the path or the query is refused with a 400 before anything reads it: no text column takes one
/// (PostgreSQL refuses it in any string, so an order number or a name with one was a 500 there).
/// </summary>
public static class NulGuard
{
    public static WebApplication UseNulGuard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if ((request.Path.Value?.Contains('\0') ?? false) || request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true
                || request.Query.Any(q => q.Key.Contains('\0') || q.Value.Any(v => v?.Contains('\0') == true)))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(new Api.ApiMessage("请求地址含有无效字符"));
                return;
            }
            await next(context);
        });
        return app;
    }
}
