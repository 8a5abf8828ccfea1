namespace Dealership.Workflows.Feel;

internal abstract class FeelNode(int position)
{
    public int Position { get; } = position;
    public abstract object? Evaluate(FeelEnvironment env);

    protected FeelEvaluationException Error(string message) => new($"{message} (at position {Position})");
}

internal sealed class LiteralNode(int position, object? value) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env) => value;
}

internal sealed class NameNode(int position, string name) : FeelNode(position)
{
    // A variable that does not exist is null, as in FEEL and Zeebe.
    public override object? Evaluate(FeelEnvironment env) => env.Lookup(name).Value;
}

internal sealed class MemberNode(int position, FeelNode target, string member) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env) => target.Evaluate(env) switch
    {
        IDictionary<string, object?> context => context.TryGetValue(member, out var v) ? v : null,
        // A path through a list maps over it: orders.total is the list of every order's total.
        IList<object?> list => list.Select(item => item is IDictionary<string, object?> c && c.TryGetValue(member, out var v) ? v : null).ToList(),
        DateTimeOffset d => member switch
        {
            "year" => (decimal)d.Year,
            "month" => (decimal)d.Month,
            "day" => (decimal)d.Day,
            "hour" => (decimal)d.Hour,
            "minute" => (decimal)d.Minute,
            "second" => (decimal)d.Second,
            "weekday" => (decimal)(d.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)d.DayOfWeek),
            _ => null,
        },
        TimeSpan t => member switch
        {
            "days" => (decimal)t.Days,
            "hours" => (decimal)t.Hours,
            "minutes" => (decimal)t.Minutes,
            "seconds" => (decimal)t.Seconds,
            _ => null,
        },
        _ => null,
    };
}

internal sealed class IndexNode(int position, FeelNode target, FeelNode index) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env)
    {
        var value = target.Evaluate(env);
        var i = index.Evaluate(env);
        if (value is null)
            return null;
        if (value is not IList<object?> list)
            throw Error($"cannot index a {FeelValues.TypeName(value)}");
        if (i is not decimal n || n != decimal.Truncate(n))
            throw Error("a list index must be a whole number (filters are not supported)");
        // FEEL lists count from 1; a negative index counts from the end.
        var at = n > 0 ? (int)n - 1 : list.Count + (int)n;
        return at >= 0 && at < list.Count ? list[at] : null;
    }
}

internal sealed class ListNode(int position, List<FeelNode> items) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env) => items.Select(i => i.Evaluate(env)).ToList();
}

internal sealed class ContextNode(int position, List<(string Key, FeelNode Value)> entries) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env)
    {
        var context = new Dictionary<string, object?>();
        foreach (var (key, value) in entries)
            context[key] = value.Evaluate(env);
        return context;
    }
}

internal sealed class IfNode(int position, FeelNode condition, FeelNode then, FeelNode otherwise) : FeelNode(position)
{
    // As in FEEL, a condition that is not true (false or null) takes the else branch.
    public override object? Evaluate(FeelEnvironment env) => condition.Evaluate(env) is true ? then.Evaluate(env) : otherwise.Evaluate(env);
}

internal sealed class LogicalNode(int position, bool isAnd, FeelNode left, FeelNode right) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env)
    {
        var l = AsBoolean(left.Evaluate(env));
        // Short circuit only where the result is decided.
        if (isAnd && l == false) return false;
        if (!isAnd && l == true) return true;
        var r = AsBoolean(right.Evaluate(env));
        if (isAnd)
            return r == false ? false : l == true && r == true ? true : null;
        return r == true ? true : l == false && r == false ? false : null;
    }

    // FEEL's three-valued logic: anything but a boolean counts as null.
    private static bool? AsBoolean(object? value) => value as bool?;
}

internal sealed class ComparisonNode(int position, string op, FeelNode left, FeelNode right) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env)
    {
        var l = left.Evaluate(env);
        var r = right.Evaluate(env);
        switch (op)
        {
            case "=": return FeelValues.AreEqual(l, r);
            case "!=": return !FeelValues.AreEqual(l, r);
        }
        int? c;
        try
        {
            c = FeelValues.Compare(l, r);
        }
        catch (FeelEvaluationException ex)
        {
            throw Error(ex.Message);
        }
        if (c is null)
            return null;
        return op switch
        {
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            _ => c >= 0,
        };
    }
}

internal sealed class InNode(int position, FeelNode value, FeelNode candidates) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env)
    {
        var v = value.Evaluate(env);
        return candidates.Evaluate(env) switch
        {
            IList<object?> list => list.Any(item => FeelValues.AreEqual(v, item)),
            null => null,
            var single => FeelValues.AreEqual(v, single),
        };
    }
}

internal sealed class NegateNode(int position, FeelNode operand) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env) => operand.Evaluate(env) switch
    {
        null => null,
        decimal m => -m,
        TimeSpan t => -t,
        var other => throw Error($"cannot negate a {FeelValues.TypeName(other)}"),
    };
}

internal sealed class ArithmeticNode(int position, string op, FeelNode left, FeelNode right) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env)
    {
        var l = left.Evaluate(env);
        var r = right.Evaluate(env);
        if (l is null || r is null)
            return null;
        try
        {
            switch (op, l, r)
            {
                case ("+", decimal a, decimal b): return a + b;
                case ("-", decimal a, decimal b): return a - b;
                case ("*", decimal a, decimal b): return a * b;
                case ("/", decimal a, decimal b): return b == 0 ? throw Error("division by zero") : a / b;
                case ("**", decimal a, decimal b): return (decimal)Math.Pow((double)a, (double)b);
                case ("+", string a, string b): return a + b;
                case ("+", TimeSpan a, TimeSpan b): return a + b;
                case ("-", TimeSpan a, TimeSpan b): return a - b;
                case ("*", TimeSpan a, decimal b): return a * (double)b;
                case ("*", decimal a, TimeSpan b): return b * (double)a;
                case ("/", TimeSpan a, decimal b): return b == 0 ? throw Error("division by zero") : a / (double)b;
            }
            if (FeelValues.TryAsDateTime(l, out var dl))
            {
                switch (op, r)
                {
                    case ("+", TimeSpan t): return dl + t;
                    case ("-", TimeSpan t): return dl - t;
                    case ("-", _) when FeelValues.TryAsDateTime(r, out var dr): return dl - dr;
                }
            }
            if (op == "+" && l is TimeSpan tl && FeelValues.TryAsDateTime(r, out var d2))
                return d2 + tl;
        }
        catch (OverflowException)
        {
            throw Error("the result is out of range");
        }
        catch (ArgumentOutOfRangeException)
        {
            throw Error("the result is out of range");
        }
        throw Error($"cannot apply '{op}' to {FeelValues.TypeName(l)} and {FeelValues.TypeName(r)}");
    }
}

internal sealed class CallNode(int position, string name, List<FeelNode> args) : FeelNode(position)
{
    public override object? Evaluate(FeelEnvironment env)
    {
        var values = args.Select(a => a.Evaluate(env)).ToArray();
        try
        {
            return FeelFunctions.Invoke(name, values, env.Clock);
        }
        catch (FeelEvaluationException ex)
        {
            throw Error($"{name}(): {ex.Message}");
        }
    }
}
