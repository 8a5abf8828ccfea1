#!/usr/bin/env python3
"""Splits a `perf record -g` CPU profile of a service process into where its CPU went.

Reads the text of `perf script -F comm,tid,ip,sym` (stdin or a file) and prints the share of
on-CPU samples by activity (HTTP, message consumers, outbox, pollers, GC, JIT), by layer (the
innermost frame that belongs to a known library) and by handler (the consumer or endpoint class
on the stack). Samples in native code built without frame pointers (SQLite, libc) lose their
managed callers and count as "no managed caller". How to take the profile: docs/performance.md,
"Where the CPU per lead goes".
"""
import collections
import re
import sys

ACTIVITIES = [
    # (name, test on the joined stack); the first that matches wins
    ("HTTP requests", lambda s: "Microsoft.AspNetCore" in s),
    ("message consumers", lambda s: "ConsumerMessageFilter" in s or "ReceivePipeDispatcher" in s),
    ("outbox dispatcher", lambda s: "Dealership.Hosting.Messaging.Outbox" in s),
    ("pollers and timers", lambda s: "Dealership.Hosting.Polling" in s or "Timer" in s),
    ("MassTransit, other", lambda s: "[MassTransit" in s),
]

LAYERS = [
    ("EF Core", "[Microsoft.EntityFrameworkCore"),
    ("Microsoft.Data.Sqlite", "[Microsoft.Data.Sqlite"),
    ("Microsoft.Data.Sqlite", "[SQLitePCL"),
    ("MassTransit", "[MassTransit"),
    ("ASP.NET Core", "[Microsoft.AspNetCore"),
    ("System.Text.Json", "[System.Text.Json"),
    ("logging", "[Microsoft.Extensions.Logging"),
    ("OpenTelemetry", "[OpenTelemetry"),
    ("dependency injection", "[Microsoft.Extensions.DependencyInjection"),
    ("our code", "[Dealership"),
    ("expression trees", "[System.Linq.Expressions"),
    ("compiled lambdas (EF, DI)", "DynamicMethods"),
    ("base class library", "[System."),
]

# Work that runs under many handlers, counted wherever it is on the stack (the shares overlap).
INCLUSIVE = [
    ("EF Core queries (translation cache, parameters, reading)", "QueryCompiler::ExecuteAsync"),
    ("EF Core SaveChanges", "DbContext+<SaveChangesAsync>"),
    ("opening and closing SQLite connections", "SqliteConnection::Open"),
    ("dependency injection (scopes, resolving)", "[Microsoft.Extensions.DependencyInjection"),
    ("OpenTelemetry (spans and their tags)", "[OpenTelemetry"),
    ("System.Diagnostics activities and listeners", "System.Diagnostics.Activity"),
    ("JSON (System.Text.Json)", "[System.Text.Json"),
    ("console logging", "[Microsoft.Extensions.Logging.Console"),
]


def own(sym):
    """The frame's own assembly and method: its return and parameter types name other assemblies (a method taking a
    JsonObject is not JSON's work), and matching them counted the frame under those."""
    head = sym.split("(", 1)[0]
    match = re.search(r"(\[[^\]]+\] )?\S+$", head)
    return match.group(0) if match else head


def samples(lines):
    current = None
    for line in lines:
        if not line.strip():
            if current:
                yield current
            current = None
        elif not line[0].isspace():
            # "comm tid": thread names may contain spaces, the tid is the last field
            current = (line.rsplit(" ", 2)[0].strip(), [])
        elif current is not None:
            ip, _, sym = line.strip().partition(" ")
            current[1].append((ip, own(sym)))
    if current:
        yield current


def layer(frames):
    for ip, sym in frames:
        if ip.startswith("ffff"):
            return "kernel (I/O, fsync, scheduling)"
        if sym.startswith("sqlite3") or sym.startswith("pcache") or sym.startswith("wal") or sym.startswith("btree"):
            return "SQLite engine (native)"
        for name, key in LAYERS:
            if key in sym:
                return name
    return "runtime and libc, no managed caller"


def main():
    source = open(sys.argv[1], errors="replace") if len(sys.argv) > 1 else sys.stdin
    by_activity, by_layer, by_handler, inclusive = (collections.Counter() for _ in range(4))
    total = 0
    for thread, frames in samples(source):
        total += 1
        stack = " | ".join(sym for _, sym in frames)
        if "GC" in thread:
            activity = "garbage collector"
        elif "Tiered" in thread:
            activity = "JIT (tiered compilation)"
        else:
            activity = next((name for name, test in ACTIVITIES if test(stack)), "no managed caller")
        by_activity[activity] += 1
        by_layer[layer(frames)] += 1
        for name, key in INCLUSIVE:
            if key in stack:
                inclusive[name] += 1
        handlers = [m.group(1) for _, sym in frames
                    for m in [re.search(r"\] Dealership\.([\w.]+(?:Consumer|Endpoints))[`\w]*(?:\+|::)", sym)] if m]
        if handlers:
            by_handler[handlers[-1]] += 1
    print(f"{total} samples")
    for title, counts in [("by activity", by_activity), ("by layer (innermost known frame)", by_layer),
                          ("by handler (outermost consumer or endpoint on the stack)", by_handler),
                          ("wherever on the stack (overlapping)", inclusive)]:
        print(f"\n{title}")
        for name, count in counts.most_common(20):
            print(f"{100 * count / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
