"""
Compares what a running n1radar found from the forwarded exports with the labels just recorded:
  python live_check.py <corpus dir> <n1radar API base, e.g. http://127.0.0.1:3000> <stack>...
Expected findings are counted per (request span name, kind) from the labels; n1radar's per (endpoint, kind) from
each finding's occurrences (one per trace). Prints TP/FP/FN per stack (service `blog-<stack>`) and the ORM its
guidance named; exits 1 on any difference. Run it against a fresh n1radar database: findings accumulate.
"""

import collections
import json
import os
import sys
import urllib.request


def request_names(stack_dir, labels):
    names = {}
    for file in {t["file"] for t in labels["traces"]}:
        for line in open(os.path.join(stack_dir, file)):
            for rs in json.loads(line)["resourceSpans"]:
                for ss in rs["scopeSpans"]:
                    for s in ss["spans"]:
                        if s["kind"] == 2 and not s.get("parentSpanId"):
                            names[s["traceId"]] = s["name"]
    return names


def main(corpus, api, stacks):
    found = json.load(urllib.request.urlopen(f"{api}/api/findings?limit=500"))["findings"]
    differ = False
    for stack in stacks:
        labels = json.load(open(os.path.join(corpus, stack, "labels.json")))
        names = request_names(os.path.join(corpus, stack), labels)
        expected = collections.Counter((names.get(t["traceId"]), e["kind"]) for t in labels["traces"] for e in t["expected"])
        mine = [f for f in found if f["service"] == f"blog-{stack}"]
        got = collections.Counter()
        for f in mine:
            got[(f["endpoint"], f["kind"])] += f["occurrences"]
        tp = sum(min(n, got[k]) for k, n in expected.items())
        fp = sum(max(0, n - expected[k]) for k, n in got.items())
        fn = sum(max(0, n - got[k]) for k, n in expected.items())
        orms = collections.Counter(f["guidance"]["orm"] if f.get("guidance") else None for f in mine)
        print(f"{stack:20} expected {sum(expected.values()):3}  TP {tp:3} FP {fp} FN {fn}  offenders {len(mine):2}  guidance {dict(orms)}")
        for k in sorted(set(expected) | set(got), key=str):
            if expected[k] != got[k]:
                print(f"   {k}: expected {expected[k]}, n1radar {got[k]}")
        differ = differ or fp > 0 or fn > 0
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2].rstrip("/"), sys.argv[3:])
