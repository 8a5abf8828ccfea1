using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Dealership.Hosting.Api;

/// <summary>
/// What minimal APIs refuse before a handler runs (a required parameter missing, a value that does
/// not parse, a body that is not JSON) is answered like every other 400: a ValidationProblem whose
/// <c>errors</c> name the parameter. The framework throws these only when
/// <c>RouteHandlerOptions.ThrowOnBadRequest</c> is set; otherwise it answers a bare 400.
/// </summary>
public sealed partial class BadRequestProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || http.Response.HasStarted)
            return false;
        http.Response.StatusCode = bad.StatusCode;
        var problem = bad.StatusCode == StatusCodes.Status400BadRequest && Describe(bad) is var (field, message)
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] }) { Detail = message }
            : new ProblemDetails { Detail = bad.Message };
        problem.Status = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The parameter at fault and a sentence about it, read from the framework's message (its wording is fixed in RequestDelegateFactory).</summary>
    internal static (string Field, string Message)? Describe(BadHttpRequestException bad)
    {
        if (Required().Match(bad.Message) is { Success: true } required)
        {
            var name = Name(required.Groups["name"].Value);
            var where = required.Groups["source"].Value switch
            {
                "query string" => "query parameter",
                "route" => "route value",
                "header" => "header",
                var other => other,
            };
            return where == "body" ? ("body", "The request needs a JSON body.") : (name, $"The {where} '{name}' is required.");
        }
        if (Unparsable().Match(bad.Message) is { Success: true } unparsable)
        {
            var name = Name(unparsable.Groups["name"].Value);
            return (name, $"'{unparsable.Groups["value"].Value}' is not a valid {name}.");
        }
        if (bad.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            return (field, $"The body is not valid JSON here: {json.Message}");
        }
        if (bad.Message.StartsWith("Implicit body inferred", StringComparison.Ordinal) || bad.Message.Contains("from the request body", StringComparison.Ordinal))
            return ("body", "The request needs a JSON body.");
        return null;
    }

    // [AsParameters] records bind properties by their C# names; the document and callers spell them in camelCase.
    private static string Name(string parameter) => JsonNamingPolicy.CamelCase.ConvertName(parameter);

    [GeneratedRegex("^Required parameter \"(?:[^\"]* )?(?<name>[^\" ]+)\" was not provided from (?<source>[^.]+)\\.")]
    private static partial Regex Required();

    [GeneratedRegex("^Failed to bind parameter \"(?:[^\"]* )?(?<name>[^\" ]+)\" from \"(?<value>.*)\"\\.$")]
    private static partial Regex Unparsable();
}
