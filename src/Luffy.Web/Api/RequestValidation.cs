using Microsoft.Extensions.Options;

namespace Luffy.Web.Api;

/// <summary>
/// The framework's validation of the API's arguments (DataAnnotations on the request records and parameters, checked
/// by the code the validation source generator writes) and the shape of its answer: a 400 problem details document
/// (<c>application/problem+json</c>, each field's errors under <c>errors</c>, named as the JSON names it) that also
/// carries <c>message</c>, the first error's sentence, as every other refusal of the API does. A request that such a
/// check refuses never reaches its handler.
/// </summary>
public static class RequestValidation
{
    public static IServiceCollection AddRequestValidation(this IServiceCollection services)
    {
        services.AddValidation();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            if (context.ProblemDetails is not HttpValidationProblemDetails { Errors.Count: > 0 } problem)
                return;
            // The validator names a field by its C# member (CourseId); the client sent course_id.
            var naming = context.HttpContext.RequestServices.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions.PropertyNamingPolicy;
            if (naming is not null)
                problem.Errors = problem.Errors.ToDictionary(e => string.Join('.', e.Key.Split('.').Select(naming.ConvertName)), e => e.Value);
            problem.Extensions["message"] = problem.Errors.First().Value.FirstOrDefault() ?? "请求参数不正确";
        });
        return services;
    }
}
