# Copyright 2026 ecommerce_sync contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

"""Print the benchmark results (JSON lines) as one Markdown table with the machine and
the date; with --readme, also put it in that Markdown file (docs/development.md) between
the bench markers."""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
# Per-row figures shown under the table, in this order, with their labels.
DETAILS = (("s_per_order", "s/order"), ("calls_per_1000", "TOP calls per 1,000 orders"),
           ("orders_before", "orders already in the database"),
           ("stage_peak_mb", "peak memory of the stage (MB)"),
           ("stage_peak_mb_first", "peak memory of its first 1,000 orders (MB)"),
           ("baseline_s_per_order", "bare ORM s/order"),
           ("baseline_sample", "bare-ORM sample (orders)"), ("speed_up", "speed-up"),
           ("templates", "templates"), ("variants", "variants"),
           ("seconds_per_order_with_rules", "s/order with the rules"),
           ("seconds_per_order_without_rules", "s/order without"),
           ("rules_seconds_per_order", "the rules' own s/order"),
           ("added_by_rules_pct", "added by the rules (%)"),
           ("merged_parcels", "merged parcels"),
           ("refunds_on_merged", "refunds on merged trades"))


def machine():
    cpu = "unknown CPU"
    if os.path.exists("/proc/cpuinfo"):
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    return "%s, %d cores, %.0f GiB, %s, %s" % (
        cpu, os.cpu_count(), mem, platform.platform(terse=True), postgres())


def postgres():
    try:
        out = subprocess.run(["psql", "-d", "postgres", "-Atc", "SHOW server_version"],
                             stdout=subprocess.PIPE, universal_newlines=True, timeout=30)
        return "PostgreSQL %s" % out.stdout.strip().split(" ")[0]
    except (OSError, subprocess.SubprocessError):
        return "PostgreSQL (version unknown)"


def cell(value, fmt="%s"):
    return "" if value is None else fmt % value


def render(rows, scale):
    out = ["Measured %s on %s; scale %s (1.0 is the full size)." % (
        datetime.date.today().isoformat(), machine(), scale), "",
        "| workload | seconds | count | per second | TOP calls | peak memory (MB) "
        "| bare ORM (s) | ratio |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append("| %s | %.2f | %s %s | %s | %s | %.0f | %s | %s |" % (
            r["workload"], r["seconds"], "{:,}".format(r["count"]), r["unit"],
            cell(r["per_second"]), "{:,}".format(r["top_calls"]), r["peak_mem_mb"],
            cell(r.get("baseline_seconds"), "%.2f"), cell(r.get("overhead_ratio"), "%.2f")))
    notes = []
    for r in rows:
        figures = ["%s %s" % (label, r[key]) for key, label in DETAILS if key in r]
        if figures:
            notes.append("- %s: %s." % (r["workload"], ", ".join(figures)))
    return "\n".join(out + ([""] + notes if notes else []))


def update_readme(path, text):
    with open(path) as stream:
        readme = stream.read()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(readme):
        raise SystemExit("%s has no %s ... %s block" % (path, BEGIN, END))
    with open(path, "w") as stream:
        stream.write(pattern.sub(lambda _m: "%s\n%s\n%s" % (BEGIN, text, END), readme))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--scale", default="1.0")
    parser.add_argument("--readme", help="Markdown file whose bench block is replaced")
    args = parser.parse_args()
    rows = [json.loads(line) for line in open(args.results)]
    text = render(rows, args.scale)
    print(text)
    if args.readme:
        update_readme(args.readme, text)
        print("\n%s: benchmark block updated" % args.readme)


if __name__ == "__main__":
    main()
