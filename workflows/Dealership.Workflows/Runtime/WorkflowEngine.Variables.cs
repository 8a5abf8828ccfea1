using System.Text.Json.Nodes;
using Dealership.Workflows.Bpmn;
using Dealership.Workflows.Feel;

namespace Dealership.Workflows.Runtime;

public sealed partial class WorkflowEngine
{
    /// <summary>Sets process variables, for example to fix the cause of an incident before retrying it.</summary>
    public Task SetVariablesAsync(ProcessModel process, WorkflowInstance instance, JsonObject variables, CancellationToken cancellationToken = default) =>
        Resume(process, instance, cancellationToken, run => run.MergeVariables(process.Id, null, variables));

    private sealed partial class Run
    {
        private Func<string, JsonNode?> Lookup(ElementInstance? ei, JsonObject? first = null)
        {
            // Innermost first: the values just produced, the element's own locals, its sub-processes' locals, the process.
            var chain = new List<JsonObject>();
            if (first is not null)
                chain.Add(first);
            for (var scope = ei; scope is not null; scope = scope.ScopeKey is { } k ? instance.Elements.FirstOrDefault(e => e.Key == k) : null)
            {
                if (scope.Local is not null)
                    chain.Add(scope.Local);
            }
            chain.Add(instance.Variables);
            return name =>
            {
                foreach (var vars in chain)
                {
                    if (vars.TryGetPropertyValue(name, out var node))
                        return node;
                }
                return null;
            };
        }

        private JsonObject VariablesFor(ElementInstance ei)
        {
            var merged = (JsonObject)instance.Variables.DeepClone();
            var locals = new List<JsonObject>();
            for (var scope = ei; scope is not null; scope = scope.ScopeKey is { } k ? instance.Elements.FirstOrDefault(e => e.Key == k) : null)
            {
                if (scope.Local is not null)
                    locals.Insert(0, scope.Local);
            }
            foreach (var local in locals)
            {
                foreach (var (name, value) in local)
                    merged[name] = value?.DeepClone();
            }
            return merged;
        }

        private static void SetPath(JsonObject target, string path, JsonNode? value)
        {
            var parts = path.Split('.');
            var node = target;
            foreach (var part in parts[..^1])
            {
                if (node[part] is not JsonObject child)
                {
                    child = [];
                    node[part] = child;
                }
                node = child;
            }
            node[parts[^1]] = value;
        }

        public void MergeVariables(string elementId, long? key, JsonObject variables)
        {
            var changed = new JsonObject();
            foreach (var (name, value) in variables)
            {
                instance.Variables[name] = value?.DeepClone();
                changed[name] = value?.DeepClone();
            }
            Log(elementId, key, "variables-set", changed);
        }

        private JsonNode? Evaluate(ZeebeValue value, ElementInstance ei, string what, JsonObject? first = null)
        {
            try
            {
                return FeelValues.ToJson(value.Evaluate(Lookup(ei, first), Clock));
            }
            catch (FeelEvaluationException ex)
            {
                throw new FeelEvaluationException($"The {what} \"{value.Raw.Trim()}\" failed: {ex.Message}");
            }
        }

        private object? EvaluateValue(ZeebeValue value, ElementInstance ei, string what)
        {
            try
            {
                return value.Evaluate(Lookup(ei), Clock);
            }
            catch (FeelEvaluationException ex)
            {
                throw new FeelEvaluationException($"The {what} \"{value.Raw.Trim()}\" failed: {ex.Message}");
            }
        }
    }
}
