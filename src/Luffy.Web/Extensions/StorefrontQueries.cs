using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Endpoints;

namespace Luffy.Web.Extensions;

/// <summary>
/// Answers a page (storefront or back office) whose query does not parse as the page declares it (<c>/order?credit=abc</c>) with a
/// 400 page naming the parameter. Blazor binds <see cref="SupplyParameterFromQueryAttribute"/> while rendering and
/// throws on a value it cannot parse, which would be a 500.
/// </summary>
public static class StorefrontQueries
{
    private sealed record QueryParameter(string Name, Func<string, bool> Parses, bool AcceptsEmpty);

    /// <summary>The parsers of the value types our pages bind from the query, as Blazor parses them.</summary>
    private static readonly Dictionary<Type, Func<string, bool>> Parsers = new()
    {
        [typeof(string)] = _ => true,
        [typeof(int)] = s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        [typeof(long)] = s => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        [typeof(bool)] = s => bool.TryParse(s, out _),
        [typeof(decimal)] = s => decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out _),
        [typeof(DateOnly)] = s => DateOnly.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        [typeof(DateTime)] = s => DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
    };

    public static WebApplication UseStorefrontQueryCheck(this WebApplication app)
    {
        // Read once at start: a page binding a type without a parser stops the start, naming it.
        var declared = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && t.IsDefined(typeof(Microsoft.AspNetCore.Components.RouteAttribute)))
            .ToDictionary(t => t, QueryParametersOf);
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is { } page
                && declared.GetValueOrDefault(page.Type) is { } parameters)
            {
                foreach (var parameter in parameters)
                {
                    var values = context.Request.Query[parameter.Name];
                    if (values.Any(v => !(string.IsNullOrEmpty(v) ? parameter.AcceptsEmpty : parameter.Parses(v))))
                    {
                        await ApiErrors.WritePageAsync(context.Response, StatusCodes.Status400BadRequest,
                            "链接参数不正确", $"链接中的参数 {parameter.Name} 不正确，请返回重试。");
                        return;
                    }
                }
            }
            await next(context);
        });
        return app;
    }

    private static QueryParameter[] QueryParametersOf(Type page) =>
        page.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Select(p => (Property: p, Attribute: p.GetCustomAttribute<SupplyParameterFromQueryAttribute>()))
            .Where(p => p.Attribute is not null)
            .Select(p =>
            {
                var type = p.Property.PropertyType;
                var element = type.IsArray ? type.GetElementType()! : type;
                var underlying = Nullable.GetUnderlyingType(element);
                var parses = Parsers.GetValueOrDefault(underlying ?? element)
                    ?? throw new NotSupportedException($"{page.Name}.{p.Property.Name}: add a parser for {element} to {nameof(StorefrontQueries)}.");
                return new QueryParameter(p.Attribute!.Name ?? p.Property.Name, parses, underlying is not null || !element.IsValueType);
            })
            .ToArray();
}
