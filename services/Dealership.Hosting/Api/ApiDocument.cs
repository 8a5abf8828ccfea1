using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Dealership.Hosting.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Dealership.Hosting.Api;

/// <summary>Endpoint metadata: an example of the request body, and what the body is.</summary>
public sealed record RequestExampleMetadata(object Example, string? Description);

public static class ApiDocumentEndpointExtensions
{
    /// <summary>
    /// Shows <paramref name="example"/> as the request body's example (written with the API's JSON
    /// options for JSON bodies, as the text itself for XML and CSV), so "try it" starts from a body that works.
    /// </summary>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, object example, string? description = null) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExampleMetadata(example, description));
}

/// <summary>
/// The OpenAPI document of every service, shaped in one place: how a caller signs in (a person's
/// bearer token or an integration client's <c>X-Api-Key</c>) and which operations need which,
/// request body examples, query parameters in the spelling callers use, one schema per type.
/// </summary>
public sealed class ApiDocument(IOptions<JsonOptions> json) : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    // An example shows what to send: the fields left out are as good as null.
    private readonly JsonSerializerOptions _examples = new(json.Value.SerializerOptions) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public const string Bearer = "Bearer";
    public const string ApiKey = "ApiKey";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer<ApiDocument>();
        options.AddOperationTransformer<ApiDocument>();
        var claimed = new ConcurrentDictionary<string, Type>();
        options.CreateSchemaReferenceId = info =>
        {
            var id = OpenApiOptions.CreateDefaultSchemaReferenceId(info);
            var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
            if (id is null || claimed.GetOrAdd(id, type) == type)
                return id;
            // Two services' records of one name (each has a ConsentView) would share one schema, and one of them be described wrongly.
            return (type.DeclaringType?.Name.Replace("Endpoints", "") ?? type.Namespace?.Split('.')[^1]) + id;
        };
    }

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Dealership invitation platform";
        document.Info.Description =
            "Staff sign in with `POST /api/auth/token` and send the answer's `accessToken` as `Authorization: Bearer …`; " +
            "an integration client (the car maker's system, say) sends its key as `X-Api-Key`. A key may call only the operations opened to its scope. " +
            "A dealership is named by its code (`DEMO01`) in routes, queries and request bodies; answers carry its code and its id.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A person's token: sign in with POST /api/auth/token (10 hours). Every role may call an operation unless it lists roles; admins always may.",
        };
        document.Components.SecuritySchemes[ApiKey] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.Header,
            Description = "An integration client's key, made by an admin at POST /api/api-clients. The scope an operation needs is listed with it.",
        };
        return Task.CompletedTask;
    }

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        Secure(operation, metadata, context.Document);
        DescribeParameters(operation);
        // BadRequestProblems answers what the framework refuses before the handler runs: say so where there is anything to refuse.
        if ((operation.Parameters?.Count > 0 || operation.RequestBody is not null) && operation.Responses is { } responses && !responses.ContainsKey("400"))
            responses["400"] = new OpenApiResponse
            {
                Description = "A required parameter is missing, or a value or the body cannot be read; errors name it.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(HttpValidationProblemDetails), null, cancellationToken) },
                },
            };
        if (metadata.OfType<RequestExampleMetadata>().LastOrDefault() is { } example && operation.RequestBody is OpenApiRequestBody body)
        {
            body.Description ??= example.Description;
            foreach (var (contentType, media) in body.Content ?? new Dictionary<string, OpenApiMediaType>())
                media.Example = contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
                    ? JsonSerializer.SerializeToNode(example.Example, example.Example.GetType(), _examples)
                    : JsonValue.Create(example.Example.ToString());
        }
    }

    /// <summary>
    /// Every operation that is not anonymous needs a person's token, and those opened to a client
    /// scope take a key instead (two requirements: either will do). The roles and scopes are listed,
    /// as OpenAPI 3.1 allows for these schemes.
    /// </summary>
    private static void Secure(OpenApiOperation operation, IList<object> metadata, OpenApiDocument? document)
    {
        if (metadata.OfType<IAllowAnonymous>().Any())
            return;
        var roles = metadata.OfType<StaffRoleMetadata>().LastOrDefault()?.Roles ?? [];
        var scopes = metadata.OfType<ClientScopeMetadata>().SelectMany(m => m.Scopes).Distinct().ToList();
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [.. roles] });
        if (scopes.Count > 0)
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKey, document)] = scopes });
    }

    private static void DescribeParameters(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            // [AsParameters] records bind by C# property names, which the document would show capitalised;
            // query string keys are matched without regard to case, so the camelCase the JSON uses works.
            if (parameter.In == ParameterLocation.Query && parameter.Name is { Length: > 0 } name && char.IsUpper(name[0]))
                parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(name);
            if (parameter.Name is "dealershipCode" or "code" && parameter.Description is null)
                parameter.Description = "The dealership's code, e.g. DEMO01.";
        }
    }
}
