using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Dealership.Hosting.Data;

/// <summary>
/// A query compiled once per EF Core model it runs with. EF Core binds a compiled query to the first model it ran with
/// and throws for any other, and one context type has a model per set of options: a host's contexts share one, a spec's
/// own context on the same database gets another. Each model gets its own compiled query here (ADR 0535).
/// </summary>
/// <typeparam name="TQuery">The delegate <c>EF.CompileAsyncQuery</c> returns.</typeparam>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = new();

    public TQuery For(DbContext context)
    {
        var model = context.Model;
        return _byModel.TryGetValue(model, out var query) ? query : _byModel.GetValue(model, _ => compile());
    }
}
