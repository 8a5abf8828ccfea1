using System.Text.Json.Nodes;
using Dealership.Workflows.Runtime;

namespace Dealership.InvitationWorkflow.Engine;

/// <summary>
/// The activities the engine runs, as Camunda 8 element templates: the designer offers each as a kind of service task whose
/// headers are a form. Made from <see cref="ActivityRegistry"/> on every request, so a new activity type or header reaches the
/// designer with the release that runs it, and nothing else has to be kept in step.
/// </summary>
public static class ElementTemplates
{
    /// <summary>A template's id is this and the task type: the designer finds the template of a diagram's service task by it.</summary>
    public const string IdPrefix = "dealership.activity.";

    public static JsonArray For(ActivityRegistry activities, bool chinese) =>
        [.. activities.Descriptions.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => Template(d.Key, d.Value, chinese))];

    private static JsonObject Template(string taskType, ActivityDescription activity, bool chinese)
    {
        string Say(string english, string zh) => chinese ? zh : english;
        JsonArray properties =
        [
            new JsonObject
            {
                ["type"] = "Hidden",
                ["value"] = taskType,
                ["binding"] = new JsonObject { ["type"] = "zeebe:taskDefinition", ["property"] = "type" },
            },
        ];
        foreach (var header in activity.Headers)
        {
            var property = new JsonObject
            {
                ["id"] = header.Key,
                ["label"] = Say(header.Label, header.LabelZh),
                ["group"] = "headers",
                ["type"] = header.Choices is null ? "String" : "Dropdown",
                ["binding"] = new JsonObject { ["type"] = "zeebe:taskHeader", ["key"] = header.Key },
            };
            if (header.Default is not null)
                property["value"] = header.Default;
            if (header.Choices is { } choices)
                property["choices"] = new JsonArray([.. choices.Select(c => new JsonObject { ["name"] = Say(c.Label, c.LabelZh), ["value"] = c.Value })]);
            if (header.Required)
                property["constraints"] = new JsonObject { ["notEmpty"] = true };
            properties.Add(property);
        }
        return new JsonObject
        {
            ["$schema"] = "https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json",
            ["id"] = IdPrefix + taskType,
            ["name"] = Say(activity.Name, activity.NameZh),
            ["description"] = Say(activity.Description, activity.DescriptionZh),
            ["version"] = 1,
            ["appliesTo"] = new JsonArray("bpmn:Task", "bpmn:ServiceTask"),
            ["elementType"] = new JsonObject { ["value"] = "bpmn:ServiceTask" },
            ["groups"] = new JsonArray(new JsonObject { ["id"] = "headers", ["label"] = Say("Settings", "设置") }),
            ["properties"] = properties,
        };
    }
}
