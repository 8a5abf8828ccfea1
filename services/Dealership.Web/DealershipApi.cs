using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;

namespace Dealership.Web;

/// <summary>
/// Where the pages reach the services' HTTP APIs: <c>Web:ApiBaseUrl</c> (the gateway, in the distributed
/// topology), else this process's own address, where the embedded default serves every service.
/// </summary>
public sealed class ApiAddress(IConfiguration configuration, IServer server)
{
    private Uri? _uri;

    public Uri Uri => _uri ??= Resolve();

    private Uri Resolve()
    {
        if (configuration["Web:ApiBaseUrl"] is { Length: > 0 } configured)
            return new Uri(configured);
        var own = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Set Web:ApiBaseUrl: this process listens on no address the pages could call.");
        // A wildcard listener is reached on loopback.
        var builder = new UriBuilder(own.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        if (builder.Host is "0.0.0.0" or "[::]")
            builder.Host = "localhost";
        return builder.Uri;
    }
}

/// <summary>
/// What a service said when it refused a change: its own words, those for each field it named, and the other members
/// of its answer as text (a refused file's <c>refusal</c> and <c>line</c>), from which a page can say it in its reader's words.
/// </summary>
public sealed record ServiceProblem(int Status, string? Detail, IReadOnlyDictionary<string, string[]> Fields, IReadOnlyDictionary<string, string>? Extensions = null)
{
    /// <summary>All of it as one text, as the service wrote it.</summary>
    public string Text => string.Join(" ", new[] { Detail }.Concat(Fields.SelectMany(f => f.Value)).Where(t => !string.IsNullOrWhiteSpace(t)));
}

/// <summary>
/// The pages' one way to the services: each call carries the signed-in person's token, so every service
/// decides what this person may read or change, as it does for any API caller.
/// </summary>
public sealed class DealershipApi(IHttpClientFactory clients, AuthenticationStateProvider authentication, NavigationManager navigation)
{
    public const string ClientName = "dealership-api";
    public const string UploadClientName = "dealership-api-upload";

    /// <summary>The answer, or null when the service has no such object for this person (another consultant's lead reads as missing).</summary>
    public async Task<T?> GetAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? default : await response.Content.ReadFromJsonAsync<T>(cancellationToken);
    }

    /// <summary>As <see cref="GetAsync{T}"/>, for a question the service may refuse (a bad version label): its answer, or what it said.</summary>
    public Task<(T? Answer, ServiceProblem? Problem)> AskAsync<T>(string path, CancellationToken cancellationToken = default) =>
        AnswerAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    /// <summary>
    /// Sends a change; null when the service took it, else what it said was wrong (its ProblemDetails' detail
    /// and the fields it names), to show the person as it is.
    /// </summary>
    public Task<string?> PostAsync<TBody>(string path, TBody body, CancellationToken cancellationToken = default) =>
        ChangeAsync(HttpMethod.Post, path, body, cancellationToken);

    /// <summary>As <see cref="PostAsync{TBody}"/>, for a change that replaces what the service holds.</summary>
    public Task<string?> PutAsync<TBody>(string path, TBody body, CancellationToken cancellationToken = default) =>
        ChangeAsync(HttpMethod.Put, path, body, cancellationToken);

    private async Task<string?> ChangeAsync<TBody>(HttpMethod method, string path, TBody body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) }, cancellationToken, refusalIsAnswer: true);
        return response.IsSuccessStatusCode ? null : (await ProblemAsync(response, cancellationToken)).Text;
    }

    /// <summary>Sends a change and reads what the service answered; the answer is null when it refused, with what it said.</summary>
    public async Task<(TAnswer? Answer, string? Problem)> PostForAsync<TBody, TAnswer>(string path, TBody body, CancellationToken cancellationToken = default)
    {
        var (answer, problem) = await SubmitAsync<TBody, TAnswer>(HttpMethod.Post, path, body, cancellationToken);
        return (answer, problem?.Text);
    }

    /// <summary>
    /// Sends a change and reads what the service answered; when it refused, what it said field by field, so that a
    /// form can put each problem beside its field.
    /// </summary>
    public Task<(TAnswer? Answer, ServiceProblem? Problem)> SubmitAsync<TBody, TAnswer>(HttpMethod method, string path, TBody body, CancellationToken cancellationToken = default) =>
        AnswerAsync<TAnswer>(new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) }, cancellationToken);

    /// <summary>Streams a file to the service and reads what it answered; the answer is null when it refused, with what it said.</summary>
    public Task<(TAnswer? Answer, ServiceProblem? Problem)> PostFileAsync<TAnswer>(string path, Stream file, string contentType, CancellationToken cancellationToken = default)
    {
        var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return AnswerAsync<TAnswer>(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }, cancellationToken, UploadClientName);
    }

    /// <summary>A text answer (a workflow's BPMN XML), or null when the service has no such object for this person.</summary>
    public async Task<string?> GetTextAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>As <see cref="SubmitAsync{TBody, TAnswer}"/>, with a body that is a document of its own (BPMN XML), not JSON.</summary>
    public Task<(TAnswer? Answer, ServiceProblem? Problem)> SubmitTextAsync<TAnswer>(HttpMethod method, string path, string? text, string contentType,
        CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(method, path);
        if (text is not null)
            request.Content = new StringContent(text, System.Text.Encoding.UTF8, contentType);
        return AnswerAsync<TAnswer>(request, cancellationToken);
    }

    /// <summary>Sends a request whose refusal is an answer for the person: what the service answered, or what it said was wrong.</summary>
    private async Task<(TAnswer? Answer, ServiceProblem? Problem)> AnswerAsync<TAnswer>(HttpRequestMessage request, CancellationToken cancellationToken,
        string client = ClientName)
    {
        using var response = await SendAsync(request, cancellationToken, refusalIsAnswer: true, client);
        if (response.IsSuccessStatusCode)
            return (await response.Content.ReadFromJsonAsync<TAnswer>(cancellationToken), null);
        return (default, await ProblemAsync(response, cancellationToken));
    }

    private static async Task<ServiceProblem> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        // A refusal by the gateway or the framework (a 403 of a role check) may come without a ProblemDetails body.
        if (response.Content.Headers.ContentType?.MediaType is not ("application/problem+json" or "application/json"))
            return new ServiceProblem(status, response.ReasonPhrase, new Dictionary<string, string[]>());
        var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Http.HttpValidationProblemDetails>(cancellationToken);
        return new ServiceProblem(status, problem?.Detail ?? problem?.Title,
            new Dictionary<string, string[]>(problem?.Errors ?? new Dictionary<string, string[]>(), StringComparer.OrdinalIgnoreCase),
            problem?.Extensions.Where(e => e.Value is System.Text.Json.JsonElement { ValueKind: not (System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined) })
                .ToDictionary(e => e.Key, e => e.Value!.ToString()!, StringComparer.OrdinalIgnoreCase));
    }

    private readonly Dictionary<string, DealershipView?> _dealerships = new(StringComparer.OrdinalIgnoreCase);

    private readonly Dictionary<Guid, string?> _customerNames = [];

    /// <summary>
    /// The customer's name of each lead, read once per page session: lists that refresh on every change (the day's
    /// visits, the supervisor queue) ask lead-intake only about leads they have not shown before.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, string?>> CustomerNamesAsync(IEnumerable<Guid> leadIds)
    {
        var unknown = leadIds.Distinct().Where(id => !_customerNames.ContainsKey(id)).ToList();
        var leads = await Task.WhenAll(unknown.Select(id => GetAsync<LeadDetail>($"/api/leads/{id}")));
        for (var i = 0; i < unknown.Count; i++)
            _customerNames[unknown[i]] = leads[i]?.Name;
        return _customerNames;
    }

    /// <summary>
    /// The code of the dealership the signed-in person works for: their own, or for network-wide staff the one they
    /// chose to work on (null until they choose).
    /// </summary>
    public async Task<string?> PersonsDealershipCodeAsync() =>
        WebSignIn.WorkingDealership((await authentication.GetAuthenticationStateAsync()).User);

    /// <summary>The dealership the signed-in person works for (<see cref="PersonsDealershipCodeAsync"/>), or null (none chosen yet, or one the services do not know).</summary>
    public async Task<DealershipView?> PersonsDealershipAsync() =>
        await PersonsDealershipCodeAsync() is { } code ? await DealershipAsync(code) : null;

    /// <summary>A dealership's names and time zone, read once per page session.</summary>
    public async Task<DealershipView?> DealershipAsync(string code)
    {
        if (!_dealerships.TryGetValue(code, out var dealership))
            _dealerships[code] = dealership = await GetAsync<DealershipView>($"/api/dealerships/{Uri.EscapeDataString(code)}");
        return dealership;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, bool refusalIsAnswer = false, string client = ClientName)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        var token = state.User.FindFirst(WebSignIn.AccessTokenClaim)?.Value;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // The services answer in the reader's language where they have it (a task's guidance).
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(System.Globalization.CultureInfo.CurrentUICulture.Name));
        var response = await clients.CreateClient(client).SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            // The token ran out while the page stayed open: sign in again and come back here.
            response.Dispose();
            navigation.NavigateTo(navigation.SignInAndReturn(), forceLoad: true);
            throw new OperationCanceledException("The session has ended.");
        }
        // A refusal of a change (400, 404, 409) is an answer for the person; anything else is a fault.
        if (response.StatusCode != HttpStatusCode.NotFound && !(refusalIsAnswer && IsRefusal(response)))
            response.EnsureSuccessStatusCode();
        return response;
    }

    /// <summary>
    /// A 4xx, or a 503 that says when to come back (lead intake while the system is behind, ADR 0517): its ProblemDetails
    /// tells the person what to do. A bare 503 (a gateway with no service behind it) stays a fault.
    /// </summary>
    private static bool IsRefusal(HttpResponseMessage response) =>
        (int)response.StatusCode is >= 400 and < 500
        || (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null
            && response.Content.Headers.ContentType?.MediaType == "application/problem+json");
}
