#!/usr/bin/env python3
"""Merges a narrowed re-run into a full Stryker.NET run: every mutant of the full run takes the status
the re-run gave the same mutant (same file, place, mutator and replacement). Writes the merged report,
which summary.py then reads.  usage: merge.py full.json rerun.json merged.json"""
import json, os, sys

full, rerun = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
again = {}
for path, file in rerun["files"].items():
    for m in file["mutants"]:
        if m["status"] not in ("Ignored", "CompileError"):
            loc = m["location"]
            again[(os.path.basename(path), loc["start"]["line"], loc["start"]["column"], loc["end"]["line"], loc["end"]["column"],
                   m["mutatorName"], m.get("replacement"))] = m["status"]
changed = 0
for path, file in full["files"].items():
    for m in file["mutants"]:
        loc = m["location"]
        key = (os.path.basename(path), loc["start"]["line"], loc["start"]["column"], loc["end"]["line"], loc["end"]["column"],
               m["mutatorName"], m.get("replacement"))
        if key in again and again[key] != m["status"]:
            m["status"] = again[key]
            changed += 1
json.dump(full, open(sys.argv[3], "w"))
print(f"{changed} mutants changed status", file=sys.stderr)
