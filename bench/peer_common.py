"""Shared by the Python peers: the timing rule of bench/timing.ts and the command-line shapes."""
import json
import sys
import time


def median_timing(fn, budget_ms, max_reps=51):
    """Median wall time (ms) of fn: untimed warm-up calls (one, a second when the first fit in
    budget_ms, more until 5 calls or 200 ms have passed), then as many calls as fit in budget_ms at the
    fastest warm-up call's time (1..max_reps); a call longer than the budget is timed once, after a
    single warm-up call. The same rule as bench/timing.ts."""
    start = time.perf_counter()
    fn()
    per_call = (time.perf_counter() - start) * 1e3
    k = 1
    while k < 5 and (per_call <= budget_ms if k == 1 else (time.perf_counter() - start) * 1e3 < 200):
        t = time.perf_counter()
        fn()
        per_call = min(per_call, (time.perf_counter() - t) * 1e3)
        k += 1
    reps = min(max_reps, max(1, int(budget_ms // max(per_call, 1e-3))))
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1e3)
    samples.sort()
    mid = len(samples) // 2
    med = samples[mid] if len(samples) % 2 else (samples[mid - 1] + samples[mid]) / 2
    return med, reps


def parse_args():
    args = sys.argv[1:]

    def arg(name, default):
        return args[args.index("--" + name) + 1] if "--" + name in args else default

    probes = int(arg("probes", "0"))  # > 0: Hutchinson probes to time at every shape (quick mode)
    return json.loads(arg("shapes", "[[2000,100,500]]")), float(arg("budget-ms", "2000")), int(arg("threads", "1")), probes


def log(msg):
    print(msg, file=sys.stderr, flush=True)
