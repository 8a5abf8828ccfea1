using System.Globalization;
using System.Text;

namespace Dealership.Workflows.Feel;

internal enum TokenKind { Number, String, Name, Symbol, End }

internal readonly record struct Token(TokenKind Kind, string Text, int Position, decimal Number = 0);

internal static class FeelLexer
{
    // FEEL names may contain spaces; of those we only know the built-in functions, matched before single words.
    private static readonly string[] MultiWordNames =
        ["date and time", "starts with", "ends with", "upper case", "lower case", "string length", "list contains", "is defined"];

    private static readonly string[] Symbols = ["!=", "<=", ">=", "**", "..", "+", "-", "*", "/", "(", ")", "[", "]", "{", "}", ",", ".", ":", "=", "<", ">"];

    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
                i++;
            if (i >= text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", i + 1));
                return tokens;
            }

            var c = text[i];
            var start = i;
            if (char.IsDigit(c) || (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                while (i < text.Length && char.IsDigit(text[i]))
                    i++;
                if (i + 1 < text.Length && text[i] == '.' && char.IsDigit(text[i + 1]))
                {
                    i++;
                    while (i < text.Length && char.IsDigit(text[i]))
                        i++;
                }
                var literal = text[start..i];
                tokens.Add(new Token(TokenKind.Number, literal, start + 1, decimal.Parse(literal, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)));
                continue;
            }
            if (c == '"')
            {
                tokens.Add(new Token(TokenKind.String, ReadString(text, ref i), start + 1));
                continue;
            }
            if (char.IsLetter(c) || c == '_' || c == '?')
            {
                var multi = MultiWordNames.FirstOrDefault(n => string.CompareOrdinal(text, i, n, 0, n.Length) == 0
                    && (i + n.Length == text.Length || !IsNamePart(text[i + n.Length])));
                if (multi is not null)
                {
                    i += multi.Length;
                    tokens.Add(new Token(TokenKind.Name, multi, start + 1));
                    continue;
                }
                while (i < text.Length && IsNamePart(text[i]))
                    i++;
                tokens.Add(new Token(TokenKind.Name, text[start..i], start + 1));
                continue;
            }
            var symbol = Symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0)
                ?? throw new FeelParseException($"unexpected character '{c}'", start + 1);
            i += symbol.Length;
            tokens.Add(new Token(TokenKind.Symbol, symbol, start + 1));
        }
    }

    private static bool IsNamePart(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '?';

    private static string ReadString(string text, ref int i)
    {
        var start = i;
        var sb = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i++];
            if (c == '"')
                return sb.ToString();
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            if (i >= text.Length)
                break;
            var e = text[i++];
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'u' when i + 4 <= text.Length && int.TryParse(text.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default: throw new FeelParseException($"unknown escape '\\{e}' in string", i - 1);
            }
        }
        throw new FeelParseException("string is not closed", start + 1);
    }
}
