using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Dealership.Hosting.Api;

/// <summary>
/// Enum values in a query string or a route are accepted in the spelling the JSON answers and the
/// OpenAPI document use (<c>?status=open</c>, <c>?stage=appointmentBooked</c>), and refused with a
/// ValidationProblem that lists them. Minimal APIs bind enums with a case-sensitive
/// <c>Enum.TryParse</c> of the C# name, which also takes any number, and no endpoint can change that;
/// so the value is rewritten to the C# name here, once, before the endpoint binds it.
/// </summary>
public sealed class EnumSpelling(RequestDelegate next, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json)
{
    private sealed record EnumParameter(string Name, IReadOnlyDictionary<string, string> Spellings, string Expected);

    private readonly ConcurrentDictionary<Endpoint, EnumParameter[]> _parameters = new();

    public Task InvokeAsync(HttpContext http)
    {
        var endpoint = http.GetEndpoint();
        if (endpoint is null)
            return next(http);
        var parameters = _parameters.GetOrAdd(endpoint, Find);
        if (parameters.Length == 0)
            return next(http);

        Dictionary<string, StringValues>? query = null;
        foreach (var parameter in parameters)
        {
            var fromRoute = http.Request.RouteValues.TryGetValue(parameter.Name, out var routeValue);
            var value = fromRoute ? routeValue?.ToString() : http.Request.Query[parameter.Name].ToString();
            if (string.IsNullOrEmpty(value))
                continue;
            if (!parameter.Spellings.TryGetValue(value, out var name))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [JsonNamingPolicy.CamelCase.ConvertName(parameter.Name)] = [$"'{value}' is not one of: {parameter.Expected}."] })
                    .ExecuteAsync(http);
            if (fromRoute)
                http.Request.RouteValues[parameter.Name] = name;
            else
            {
                query ??= http.Request.Query.ToDictionary(q => q.Key, q => q.Value, StringComparer.OrdinalIgnoreCase);
                query[parameter.Name] = name;
            }
        }
        if (query is not null)
            http.Request.Query = new QueryCollection(query);
        return next(http);
    }

    private EnumParameter[] Find(Endpoint endpoint) =>
        endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>()
            .Select(p => (p.Name, Type: Nullable.GetUnderlyingType(p.ParameterInfo.ParameterType) ?? p.ParameterInfo.ParameterType, Attributes: p.ParameterInfo.GetCustomAttributes(true)))
            .Where(p => p.Type.IsEnum && !p.Attributes.OfType<FromBodyAttribute>().Any())
            .Select(p => Spell(p.Attributes.OfType<FromQueryAttribute>().FirstOrDefault()?.Name ?? p.Attributes.OfType<FromRouteAttribute>().FirstOrDefault()?.Name ?? p.Name, p.Type))
            .ToArray();

    private EnumParameter Spell(string name, Type type)
    {
        var spellings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var expected = new List<string>();
        foreach (var value in Enum.GetValues(type))
        {
            var csharp = value.ToString()!;
            var spelled = JsonSerializer.Serialize(value, type, json.Value.SerializerOptions).Trim('"');
            expected.Add(spelled);
            spellings[spelled] = csharp;
            // What callers sent before the JSON spelling was accepted keeps working.
            spellings.TryAdd(csharp, csharp);
        }
        return new EnumParameter(name, spellings, string.Join(", ", expected));
    }
}
