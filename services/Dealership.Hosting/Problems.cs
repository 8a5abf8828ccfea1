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
    public static ForbiddenProblem NotAllowed(string dealershipCode) =>
        NotAllowedBecause($"You may not act for dealership {dealershipCode}.");

    public static ForbiddenProblem NotAllowedBecause(string detail) =>
        new(new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Not allowed for this dealership", Detail = detail });

    public static ConflictProblem Conflict(string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = title, Detail = detail };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
            problem.Extensions[key] = value;
        return new(problem);
    }

    /// <summary>A ValidationProblem for one field, the shape of every other 400.</summary>
    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>
/// A problem answer of one status, written like every other problem (application/problem+json, with the
/// trace id) and declared in the OpenAPI document by its type alone, so that a handler returning
/// <c>Results&lt;Ok&lt;T&gt;, NotFoundProblem&gt;</c> is described completely. <c>NotFound&lt;ProblemDetails&gt;</c>
/// would declare a 404 too, but writes plain JSON without the trace id.
/// </summary>
public abstract class TypedProblem : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    private readonly ProblemHttpResult _problem;

    private protected TypedProblem(ProblemDetails problem) => _problem = TypedResults.Problem(problem);

    public ProblemDetails Value => _problem.ProblemDetails;
    object? IValueHttpResult.Value => Value;
    public int? StatusCode => _problem.StatusCode;
    public string ContentType => _problem.ContentType;

    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    private protected static void Declare(EndpointBuilder builder, int status) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
}

/// <summary>404: no such object, or another dealership's, which a caller must not tell apart.</summary>
public sealed class NotFoundProblem : TypedProblem, IEndpointMetadataProvider
{
    internal NotFoundProblem(ProblemDetails problem) : base(problem) { }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status404NotFound);
}

/// <summary>403: the caller may not act for the dealership the request names.</summary>
public sealed class ForbiddenProblem : TypedProblem, IEndpointMetadataProvider
{
    internal ForbiddenProblem(ProblemDetails problem) : base(problem) { }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status403Forbidden);
}

/// <summary>409: the object's state does not allow the change now.</summary>
public sealed class ConflictProblem : TypedProblem, IEndpointMetadataProvider
{
    internal ConflictProblem(ProblemDetails problem) : base(problem) { }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Declare(builder, StatusCodes.Status409Conflict);
}
