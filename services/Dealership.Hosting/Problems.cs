using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Dealership.Hosting;

/// <summary>
/// The problem answers every service gives the same way. Not found is also the answer for another
/// dealership's object, so a caller cannot tell an id that exists elsewhere from one that does not.
/// </summary>
public static class Problems
{
    public static NotFoundProblem NotFound(string what, object id) =>
        new(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = $"No such {what}", Detail = $"No {what} {id} was found." });

    /// <summary>A door this deployment does not open (a development one, say): 404 like an unknown path, saying why.</summary>
    public static NotFoundProblem NotAvailable(string detail) =>
        new(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not available", Detail = detail });

    /// <summary>The dealership a request names by its code is not one the caller may act for.</summary>
    public static ProblemHttpResult NotAllowed(string dealershipCode) =>
        NotAllowedBecause($"You may not act for dealership {dealershipCode}.");

    public static ProblemHttpResult NotAllowedBecause(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed for this dealership", detail: detail);

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    /// <summary>A ValidationProblem for one field, the shape of every other 400.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// 404 with a ProblemDetails, written like every other problem (application/problem+json, with the
/// trace id) and declared in the OpenAPI document by its type alone. <c>NotFound&lt;ProblemDetails&gt;</c>
/// would declare it too, but writes plain JSON without the trace id.
/// </summary>
public sealed class NotFoundProblem : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    private readonly ProblemHttpResult _problem;

    internal NotFoundProblem(ProblemDetails problem) => _problem = TypedResults.Problem(problem);

    public ProblemDetails Value => _problem.ProblemDetails;
    object? IValueHttpResult.Value => Value;
    public int? StatusCode => StatusCodes.Status404NotFound;
    public string ContentType => _problem.ContentType;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status404NotFound, typeof(ProblemDetails), ["application/problem+json"]));
}
