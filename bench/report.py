# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Print the benchmark results (JSON lines) as one Markdown table with the machine."""
import json
import os
import platform
import sys


def machine():
    cpu = "unknown CPU"
    if os.path.exists("/proc/cpuinfo"):
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return "%s, %d cores, %.0f GiB, %s" % (cpu, os.cpu_count(), mem, platform.platform())


def main(path):
    rows = [json.loads(line) for line in open(path)]
    print("Machine: %s" % machine())
    print()
    print("| workload | seconds | count | per second | TOP calls | peak memory (MB) "
          "| bare ORM (s) | overhead ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %s | %.2f | %d %s | %s | %s | %.0f | %s | %s |" % (
            r["workload"], r["seconds"], r["count"], r["unit"], r["per_second"],
            r["top_calls"], r["peak_mem_mb"],
            "" if r.get("baseline_seconds") is None else "%.2f" % r["baseline_seconds"],
            "" if r.get("overhead_ratio") is None else "%.2f" % r["overhead_ratio"]))
    details = [r for r in rows if any(k.startswith(("s_per_order", "calls_per")) for k in r)]
    for r in details:
        print()
        print("%s: %s" % (r["workload"], ", ".join(
            "%s %s" % (k, v) for k, v in sorted(r.items())
            if k.startswith(("s_per_order", "calls_per", "baseline_s", "baseline_sample",
                             "confirmed")))))


if __name__ == "__main__":
    main(sys.argv[1])
