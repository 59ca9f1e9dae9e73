using System.Globalization;

namespace Multinode.Infra.Simulation;

/// <summary>
/// The arithmetic the planned children use: CloudWatch metric math (<c>FILL(x, 0)</c>, <c>IF(c, a, b)</c>,
/// comparisons) and KEDA's scalingModifiers formulas (<c>pending + processing + 2</c>). Evaluated, not just
/// pattern-matched, so that the simulation follows whatever expression the plan holds. A division by zero gives
/// NaN: CloudWatch then has no datapoint, which is exactly why target tracking cannot start a group from zero.
/// </summary>
public static class Expression
{
    public static double Evaluate(string expression, Func<string, double> variable)
    {
        var parser = new Parser(expression, variable);
        var value = parser.Comparison();
        parser.End();
        return value;
    }

    private sealed class Parser(string text, Func<string, double> variable)
    {
        private int _at;

        private char Peek()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at])) _at++;
            return _at < text.Length ? text[_at] : '\0';
        }

        private bool Take(string token)
        {
            Peek();
            if (string.CompareOrdinal(text, _at, token, 0, token.Length) != 0) return false;
            _at += token.Length;
            return true;
        }

        public void End()
        {
            if (Peek() != '\0') throw Error("unexpected text");
        }

        private FormatException Error(string what) => new($"{what} at position {_at + 1} of \"{text}\"");

        public double Comparison()
        {
            var left = Sum();
            if (Take("<=")) return left <= Sum() ? 1 : 0;
            if (Take(">=")) return left >= Sum() ? 1 : 0;
            if (Take("==")) return left == Sum() ? 1 : 0;
            if (Take("<")) return left < Sum() ? 1 : 0;
            if (Take(">")) return left > Sum() ? 1 : 0;
            return left;
        }

        private double Sum()
        {
            var value = Product();
            while (true)
            {
                if (Take("+")) value += Product();
                else if (Take("-")) value -= Product();
                else return value;
            }
        }

        private double Product()
        {
            var value = Unary();
            while (true)
            {
                if (Take("*")) value *= Unary();
                else if (Take("/")) { var d = Unary(); value = d == 0 ? double.NaN : value / d; }
                else return value;
            }
        }

        private double Unary() => Take("-") ? -Unary() : Primary();

        private double Primary()
        {
            var c = Peek();
            if (c == '(')
            {
                _at++;
                var inner = Comparison();
                if (!Take(")")) throw Error("expected ')'");
                return inner;
            }
            if (char.IsDigit(c) || c == '.')
            {
                var start = _at;
                while (_at < text.Length && (char.IsDigit(text[_at]) || text[_at] == '.')) _at++;
                return double.Parse(text.AsSpan(start, _at - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = _at;
                while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] == '_')) _at++;
                var name = text[start.._at];
                if (Peek() != '(') return variable(name);
                _at++;
                var args = new List<double> { Comparison() };
                while (Take(",")) args.Add(Comparison());
                if (!Take(")")) throw Error("expected ')'");
                return (name.ToUpperInvariant(), args.Count) switch
                {
                    ("FILL", 2) => double.IsNaN(args[0]) ? args[1] : args[0],
                    ("IF", 3) => args[0] != 0 && !double.IsNaN(args[0]) ? args[1] : args[2],
                    ("MAX", _) => args.Max(),
                    ("MIN", _) => args.Min(),
                    _ => throw Error($"unknown function {name}/{args.Count}"),
                };
            }
            throw Error("expected a number, a name or '('");
        }
    }
}
