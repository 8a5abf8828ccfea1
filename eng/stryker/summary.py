#!/usr/bin/env python3
"""Prints the counts, the score and every surviving, timed-out or uncovered mutant of a Stryker.NET
JSON report (StrykerOutput/<run>/reports/mutation-report.json) as Markdown, for docs/mutation/."""
import json, sys, os

report = json.load(open(sys.argv[1]))
counts, rows = {}, []
for path, file in sorted(report["files"].items()):
    source = file["source"].splitlines()
    name = path.split("/Dealership.", 1)[-1] if "/Dealership." in path else path
    name = "Dealership." + name if "/Dealership." in path else name
    for m in file["mutants"]:
        counts[m["status"]] = counts.get(m["status"], 0) + 1
        if m["status"] in ("Survived", "NoCoverage", "Timeout"):
            start, end = m["location"]["start"], m["location"]["end"]
            line = source[start["line"] - 1]
            if start["line"] == end["line"]:
                original = line[start["column"] - 1:end["column"] - 1]
            else:
                original = line[start["column"] - 1:] + " …"
            rows.append((name, start["line"], m["status"], m["mutatorName"], original.strip(), m.get("replacement", "").strip(), m["id"]))

killed, survived = counts.get("Killed", 0), counts.get("Survived", 0)
timeout, nocov = counts.get("Timeout", 0), counts.get("NoCoverage", 0)
detected, valid = killed + timeout, killed + timeout + survived + nocov
print(f"| killed | survived | timeout | no coverage | compile error | ignored | score | score of covered code |")
print(f"| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
print(f"| {killed} | {survived} | {timeout} | {nocov} | {counts.get('CompileError', 0)} | {counts.get('Ignored', 0)} | "
      f"{100 * detected / valid:.2f} % | {100 * detected / max(1, detected + survived):.2f} % |")
print()
def cut(s, n=70):
    s = s.replace("|", "\\|").replace("\n", " ")
    return s if len(s) <= n else s[:n - 1] + "…"
print("| file:line | status | mutator | original → mutant |")
print("| --- | --- | --- | --- |")
for name, line, status, mutator, original, replacement, _ in sorted(rows):
    print(f"| {os.path.basename(name)}:{line} | {status} | {mutator} | `{cut(original)}` → `{cut(replacement)}` |")
