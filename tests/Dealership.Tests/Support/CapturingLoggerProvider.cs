using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Dealership.Tests.Support;

/// <summary>Keeps every log line the app writes, with its structured values and scopes, for assertions.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{category}: {formatter(state, exception)} {exception}";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                line += " " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"));
            provider._scopes.ForEachScope((scope, _) => line += " scope:" + (scope is IEnumerable<KeyValuePair<string, object?>> kv
                ? string.Join(",", kv.Select(v => $"{v.Key}={v.Value}")) : scope), (object?)null);
            provider.Lines.Enqueue(line);
        }
    }
}
