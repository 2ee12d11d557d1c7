"""`make bench`: run every bench/bench_*.py in one process and print the ratios.

Each module exposes `run(client) -> list[dict]`; a dict has at least "name", "value",
"unit" and, for ratios, "target" and "ok". Results also go to bench/out/results.json.
"""

import importlib
import json
import platform
import sys
from pathlib import Path

from bench import common


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
    machine = (
        f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}"
    )
    print(f"machine: {machine}")
    failed = False
    for row in rows:
        mark = ""
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
