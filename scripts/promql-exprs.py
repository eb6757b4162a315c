#!/usr/bin/env python3
"""Prints every PromQL expression of the Grafana dashboards and the Prometheus alert rules, one per line.

    promql-exprs.py [--root DIR] [--with-source] [--prometheus URL]

Rules are printed without their final comparison ("expr > 0.05" -> "expr"), so that evaluating the line
says whether the expression returns data at all. Duplicates are printed once, in file order.
  --with-source     prefix each line with where it comes from and a tab ("rules.yml CloseCastHighP99Latency\\t...")
  --prometheus URL  instead of printing, evaluate each expression with URL/api/v1/query and report the ones
                    that fail to parse or return no data (exit 1 if any)
Needs PyYAML (the MLflow venv has it: registry-server/mlflow-server.sh python scripts/promql-exprs.py).
"""
import argparse
import glob
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

import yaml

FINAL_COMPARISON = re.compile(r"\s*(==|!=|>=|<=|>|<)\s*(bool\s+)?[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


def strip_comparison(expr):
    """expr without its final "<op> <number>", or expr unchanged when it does not end with one."""
    return FINAL_COMPARISON.sub("", expr.strip())


def dashboard_exprs(path):
    with open(path, encoding="utf-8") as f:
        dash = json.load(f)

    def walk(panels):
        for panel in panels or []:
            for target in panel.get("targets") or []:
                expr = str(target.get("expr", "")).strip()
                if expr:
                    yield f"{os.path.basename(path)} panel '{panel.get('title')}' {target.get('refId')}", expr
            yield from walk(panel.get("panels"))

    yield from walk(dash.get("panels"))


def rule_exprs(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f) or {}
    for group in doc.get("groups") or []:
        for rule in group.get("rules") or []:
            name = rule.get("alert") or rule.get("record")
            expr = str(rule.get("expr", "")).strip()
            yield f"{os.path.basename(path)} {name}", strip_comparison(expr) if rule.get("alert") else expr


def all_exprs(root):
    seen = set()
    sources = sorted(glob.glob(os.path.join(root, "configs/grafana/dashboards/*.json")))
    rules = sorted(glob.glob(os.path.join(root, "configs/prometheus/*.yml")))
    pairs = []
    for path in sources:
        pairs += dashboard_exprs(path)
    for path in rules:
        with open(path, encoding="utf-8") as f:
            if "groups" in (yaml.safe_load(f) or {}):
                pairs += rule_exprs(path)
    for source, expr in pairs:
        line = " ".join(expr.split())
        if line not in seen:
            seen.add(line)
            yield source, line


def evaluate(base_url, expr):
    """(ok, detail): ok when the query parses and returns at least one sample."""
    url = base_url.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.load(response)
    except urllib.error.HTTPError as e:
        return False, f"HTTP {e.code}: {e.read().decode('utf-8', 'replace')[:300]}"
    except (urllib.error.URLError, OSError) as e:
        return False, f"no answer from {base_url}: {e}"
    if body.get("status") != "success":
        return False, f"{body.get('errorType')}: {body.get('error')}"
    result = body["data"]["result"]
    if body["data"]["resultType"] == "scalar":
        return True, f"scalar {result[1]}"
    if not result:
        return False, "no data"
    return True, f"{len(result)} series, e.g. {result[0].get('metric', {})} = {result[0].get('value', ['', ''])[1]}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))
    parser.add_argument("--with-source", action="store_true")
    parser.add_argument("--prometheus", metavar="URL")
    args = parser.parse_args(argv)
    exprs = list(all_exprs(os.path.abspath(args.root)))
    if not exprs:
        print(f"promql-exprs: no expressions found under {args.root}/configs", file=sys.stderr)
        return 1
    if not args.prometheus:
        for source, expr in exprs:
            print(f"{source}\t{expr}" if args.with_source else expr)
        return 0
    failed = 0
    for source, expr in exprs:
        ok, detail = evaluate(args.prometheus, expr)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {source}: {expr}\n     -> {detail}")
    print(f"promql-exprs: {len(exprs) - failed} of {len(exprs)} expressions return data", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
