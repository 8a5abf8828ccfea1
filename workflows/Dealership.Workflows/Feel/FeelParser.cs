namespace Dealership.Workflows.Feel;

/// <summary>Recursive descent over FEEL's precedence: if, or, and, comparison/in, + -, * /, **, unary -, postfix.</summary>
internal sealed class FeelParser(List<Token> tokens)
{
    // Parsing and evaluating recurse once per level of nesting or operator: the limits keep a hostile or
    // runaway expression from exhausting the stack, which would take the whole host down, not one request.
    internal const int MaxTokens = 2000;
    internal const int MaxNesting = 64;

    private int _index;
    private int _nesting;

    private Token Current => tokens[_index];

    public FeelNode ParseAll()
    {
        if (Current.Kind == TokenKind.End)
            throw new FeelParseException("the expression is empty", Current.Position);
        if (tokens.Count > MaxTokens)
            throw new FeelParseException($"the expression is too long (more than {MaxTokens} names, values and operators)", tokens[MaxTokens].Position);
        var node = ParseExpression();
        if (Current.Kind != TokenKind.End)
            throw new FeelParseException($"unexpected '{Current.Text}'", Current.Position);
        return node;
    }

    private Nesting Nest()
    {
        if (++_nesting > MaxNesting)
            throw new FeelParseException($"the expression nests deeper than {MaxNesting} levels", Current.Position);
        return new Nesting(this);
    }

    private readonly struct Nesting(FeelParser parser) : IDisposable
    {
        public void Dispose() => parser._nesting--;
    }

    private bool IsSymbol(string s) => Current.Kind == TokenKind.Symbol && Current.Text == s;
    private bool IsKeyword(string s) => Current.Kind == TokenKind.Name && Current.Text == s;

    private Token Expect(string symbol)
    {
        if (!IsSymbol(symbol) && !IsKeyword(symbol))
            throw new FeelParseException(Current.Kind == TokenKind.End ? $"expected '{symbol}' but the expression ended" : $"expected '{symbol}' but found '{Current.Text}'", Current.Position);
        return tokens[_index++];
    }

    private FeelNode ParseExpression()
    {
        using var _ = Nest();
        if (IsKeyword("if"))
        {
            var position = tokens[_index++].Position;
            var condition = ParseExpression();
            Expect("then");
            var then = ParseExpression();
            Expect("else");
            var otherwise = ParseExpression();
            return new IfNode(position, condition, then, otherwise);
        }
        return ParseOr();
    }

    private FeelNode ParseOr()
    {
        var left = ParseAnd();
        while (IsKeyword("or"))
        {
            var position = tokens[_index++].Position;
            left = new LogicalNode(position, false, left, ParseAnd());
        }
        return left;
    }

    private FeelNode ParseAnd()
    {
        var left = ParseComparison();
        while (IsKeyword("and"))
        {
            var position = tokens[_index++].Position;
            left = new LogicalNode(position, true, left, ParseComparison());
        }
        return left;
    }

    private static readonly string[] ComparisonOperators = ["=", "!=", "<", "<=", ">", ">="];

    private FeelNode ParseComparison()
    {
        var left = ParseAdditive();
        if (Current.Kind == TokenKind.Symbol && ComparisonOperators.Contains(Current.Text))
        {
            var op = tokens[_index++];
            return new ComparisonNode(op.Position, op.Text, left, ParseAdditive());
        }
        if (IsKeyword("in"))
        {
            var position = tokens[_index++].Position;
            return new InNode(position, left, ParseAdditive());
        }
        return left;
    }

    private FeelNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (IsSymbol("+") || IsSymbol("-"))
        {
            var op = tokens[_index++];
            left = new ArithmeticNode(op.Position, op.Text, left, ParseMultiplicative());
        }
        return left;
    }

    private FeelNode ParseMultiplicative()
    {
        var left = ParsePower();
        while (IsSymbol("*") || IsSymbol("/"))
        {
            var op = tokens[_index++];
            left = new ArithmeticNode(op.Position, op.Text, left, ParsePower());
        }
        return left;
    }

    private FeelNode ParsePower()
    {
        var left = ParseUnary();
        if (IsSymbol("**"))
        {
            using var _ = Nest();
            var op = tokens[_index++];
            return new ArithmeticNode(op.Position, op.Text, left, ParsePower());
        }
        return left;
    }

    private FeelNode ParseUnary()
    {
        if (IsSymbol("-"))
        {
            using var _ = Nest();
            var position = tokens[_index++].Position;
            return new NegateNode(position, ParseUnary());
        }
        return ParsePostfix();
    }

    private FeelNode ParsePostfix()
    {
        var node = ParsePrimary();
        while (true)
        {
            if (IsSymbol("."))
            {
                var position = tokens[_index++].Position;
                if (Current.Kind != TokenKind.Name)
                    throw new FeelParseException("expected a name after '.'", Current.Position);
                node = new MemberNode(position, node, tokens[_index++].Text);
            }
            else if (IsSymbol("["))
            {
                var position = tokens[_index++].Position;
                var index = ParseExpression();
                Expect("]");
                node = new IndexNode(position, node, index);
            }
            else
            {
                return node;
            }
        }
    }

    private static readonly HashSet<string> Reserved = ["and", "or", "if", "then", "else", "in", "for", "some", "every", "return", "satisfies", "between", "instance", "of", "function"];

    private FeelNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                _index++;
                return new LiteralNode(token.Position, token.Number);
            case TokenKind.String:
                _index++;
                return new LiteralNode(token.Position, token.Text);
            case TokenKind.End:
                throw new FeelParseException("the expression ended where a value was expected", token.Position);
            case TokenKind.Symbol when token.Text == "(":
            {
                _index++;
                var inner = ParseExpression();
                Expect(")");
                return inner;
            }
            case TokenKind.Symbol when token.Text == "[":
            {
                _index++;
                var items = new List<FeelNode>();
                if (!IsSymbol("]"))
                {
                    items.Add(ParseExpression());
                    while (IsSymbol(","))
                    {
                        _index++;
                        items.Add(ParseExpression());
                    }
                }
                if (IsSymbol(".."))
                    throw new FeelParseException("ranges are not supported", Current.Position);
                Expect("]");
                return new ListNode(token.Position, items);
            }
            case TokenKind.Symbol when token.Text == "{":
            {
                _index++;
                var entries = new List<(string, FeelNode)>();
                if (!IsSymbol("}"))
                {
                    do
                    {
                        if (entries.Count > 0)
                            _index++;
                        var key = Current;
                        if (key.Kind is not (TokenKind.Name or TokenKind.String))
                            throw new FeelParseException("expected a context key", key.Position);
                        _index++;
                        Expect(":");
                        entries.Add((key.Text, ParseExpression()));
                    } while (IsSymbol(","));
                }
                Expect("}");
                return new ContextNode(token.Position, entries);
            }
            case TokenKind.Symbol:
                throw new FeelParseException($"unexpected '{token.Text}'", token.Position);
        }

        _index++;
        switch (token.Text)
        {
            case "true": return new LiteralNode(token.Position, true);
            case "false": return new LiteralNode(token.Position, false);
            case "null": return new LiteralNode(token.Position, null);
        }
        if (Reserved.Contains(token.Text))
            throw new FeelParseException(token.Text is "for" or "some" or "every" or "between" or "instance" or "function"
                ? $"'{token.Text}' expressions are not supported"
                : $"unexpected '{token.Text}'", token.Position);
        if (IsSymbol("("))
        {
            if (!FeelFunctions.Exists(token.Text))
                throw new FeelParseException($"unknown function '{token.Text}'", token.Position);
            _index++;
            var args = new List<FeelNode>();
            if (!IsSymbol(")"))
            {
                args.Add(ParseExpression());
                while (IsSymbol(","))
                {
                    _index++;
                    args.Add(ParseExpression());
                }
            }
            Expect(")");
            var error = FeelFunctions.CheckArity(token.Text, args.Count);
            if (error is not null)
                throw new FeelParseException(error, token.Position);
            return new CallNode(token.Position, token.Text, args);
        }
        return new NameNode(token.Position, token.Text);
    }
}
