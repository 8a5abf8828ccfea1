using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dealership.Hosting;

/// <summary>
/// The one not-found answer of every service. It is also the answer for another dealership's object,
/// so a caller cannot tell an id that exists elsewhere from one that does not.
/// </summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, object id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {what}", detail: $"No {what} {id} was found.");
}
