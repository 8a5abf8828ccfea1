using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dealership.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Dealership.Tests.Workflows;

/// <summary>The workflow HTTP API as the designer and operations staff use it, and small diagrams for the specs.</summary>
public static class WorkflowApi
{
    public const string OperationsKey = "ops-network-key";

    /// <summary>An extra API client for every dealership: network-wide definitions need one.</summary>
    public static readonly string[] Settings =
    [
        "--Integration:Clients:1:Name=Operations",
        $"--Integration:Clients:1:Key={OperationsKey}",
        "--Integration:Clients:1:Dealerships:0=*",
    ];

    public static HttpClient Operations(this TestApp app)
    {
        var client = new HttpClient { BaseAddress = app.Client.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", OperationsKey);
        return client;
    }

    public static Task<HttpResponseMessage> SaveDraftAsync(this HttpClient client, string key, string xml, string? dealershipCode = null) =>
        client.PutAsync($"/api/workflows/{key}/draft{Query(dealershipCode)}", new StringContent(xml, Encoding.UTF8, "application/xml"));

    public static Task<HttpResponseMessage> PublishAsync(this HttpClient client, string key, string? dealershipCode = null) =>
        client.PostAsync($"/api/workflows/{key}/draft/publish{Query(dealershipCode)}", null);

    public static async Task PublishDiagramAsync(this HttpClient client, string key, string xml, string? dealershipCode = null)
    {
        (await client.SaveDraftAsync(key, xml, dealershipCode)).EnsureSuccessStatusCode();
        var published = await client.PublishAsync(key, dealershipCode);
        Assert.True(published.IsSuccessStatusCode, await published.Content.ReadAsStringAsync());
    }

    public static async Task<JsonObject> StartInstanceAsync(this HttpClient client, string key, object? variables = null, string? dealershipCode = null, string? businessKey = null)
    {
        var response = await client.PostAsJsonAsync("/api/workflow-instances", new { processKey = key, dealershipCode, businessKey, variables });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>
    /// Creates a dealership as an admin would and waits until the workflow service accepts its code: the
    /// service maps a dealership's code to the id its rows carry once DealershipChanged has told it.
    /// </summary>
    public static async Task<Guid> CreateDealershipAsync(this TestApp app, string code)
    {
        var created = await app.Client.PostAsJsonAsync("/api/dealerships",
            new { code, nameZh = $"{code} 店", nameEn = $"{code} showroom", timeZone = "Asia/Shanghai", phoneRegion = "CN" });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        await Eventually.Get(async () => (await app.Client.GetAsync($"/api/workflows?dealershipCode={code}")).StatusCode,
            status => status == System.Net.HttpStatusCode.OK, because: $"the workflow service should learn dealership {code}");
        return (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }

    public static async Task<JsonObject> GetInstanceAsync(this HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/workflow-instances/{id}"))!;

    public static Guid Id(this JsonObject summary) => summary["id"]!.GetValue<Guid>();

    private static string Query(string? dealershipCode) => dealershipCode is null ? "" : $"?dealershipCode={dealershipCode}";

    public static string Diagram(string processId, string body, string extras = "", string name = "Test flow") => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                          xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
                          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                          id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
          {extras}
          <bpmn:process id="{processId}" name="{name}" isExecutable="true">
            {body}
          </bpmn:process>
        </bpmn:definitions>
        """;

    /// <summary>Start, a user task "call", end.</summary>
    public static string CallFlow(string processId, string name = "Call flow") => Diagram(processId, """
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
        <bpmn:userTask id="call" name="Call the customer">
          <bpmn:extensionElements><zeebe:assignmentDefinition assignee="= consultant" /></bpmn:extensionElements>
        </bpmn:userTask>
        <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
        <bpmn:endEvent id="end" />
        """, name: name);

    /// <summary>Start, wait for a timer of the given duration (FEEL, from variable "delay"), end.</summary>
    public static string TimerFlow(string processId) => Diagram(processId, """
        <bpmn:startEvent id="start" />
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
        <bpmn:intermediateCatchEvent id="wait">
          <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">= duration(delay)</bpmn:timeDuration></bpmn:timerEventDefinition>
        </bpmn:intermediateCatchEvent>
        <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end" />
        <bpmn:endEvent id="end" />
        """);

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
