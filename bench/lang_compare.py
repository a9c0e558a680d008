#!/usr/bin/env python3
"""Program suites for bench/compare (the `lang` suite): the same program in Simple and in other
languages, each timed as a whole process (wall clock, best of reps and rounds), every output line
checked against ours. `bench/compare lang` calls run_suite(). Run directly, this file checks
that the peers (--verify-peers), or the peers and ours (--verify), print the same line at small
sizes, or times a suite without the rest of bench/compare. See docs/benchmarks.md."""

import argparse
import json
import math
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "build" / "release"
SUITE_DIR = ROOT / "bench" / "suites"
RESULTS = ROOT / "build" / "bench" / "results.json"
UNIT = "ms"

# The size constant at the top of each program: `N = 32` (Python), `local N = 32` (Lua),
# `val N: i64 = 32` (Simple).
SIZE_RE = re.compile(r"^(?:local\s+|val\s+|var\s+)?N(?:\s*:\s*i64)?\s*=\s*([0-9][0-9_]*)\s*$", re.M)


def log(msg):
    print(f"[compare] {msg}", file=sys.stderr, flush=True)


def is_program_suite(suite):
    return suite.get("kind") == "programs"


def expand(arg, program):
    return (str(arg).replace("{release}", str(RELEASE)).replace("{root}", str(ROOT))
            .replace("{program}", program))


def command(side, program, spl=None, size=None):
    cmd = [expand(a, program) for a in side["run"]]
    if spl and side is not None and side.get("is_ours"):
        cmd[0] = str(spl)
    if size is not None:
        cmd.append(str(size))
    return cmd


def program_files(suite, program):
    """The source file of each side: the run argument that names an existing file under the
    repository with the program's name in it."""
    files = {}
    for side in [suite["ours"], *suite["peers"]]:
        for a in side["run"]:
            if "{program}" in str(a):
                files[side["name"]] = Path(expand(a, program))
    return files


def size_constant(path):
    m = SIZE_RE.search(path.read_text())
    return int(m.group(1).replace("_", "")) if m else None


def check_sizes(suite, program):
    """Every side's program must declare the size the suite states (None: no size)."""
    problems = []
    for path in sorted(set(program_files(suite, program["name"]).values())):
        if not path.exists():
            problems.append(f"{program['name']}: missing {path.relative_to(ROOT)}")
            continue
        n = size_constant(path)
        if n != program.get("n"):
            problems.append(f"{program['name']}: {path.relative_to(ROOT)} declares N = {n}, "
                            f"the suite says n = {program.get('n')}")
    return problems


class Failure(Exception):
    pass


def run_once(cmd, timeout):
    """Runs one process; returns (wall seconds, its one output line) or raises Failure."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, text=True, timeout=timeout,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError as e:
        raise Failure(f"cannot run {cmd[0]}: {e.strerror}") from None
    except subprocess.TimeoutExpired:
        raise Failure(f"timed out after {timeout} s") from None
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        err = (proc.stderr.strip() or proc.stdout.strip() or "(no output)").splitlines()
        raise Failure(f"exit code {proc.returncode}: " + " | ".join(err[-3:]))
    lines = proc.stdout.splitlines()
    if len(lines) != 1 or not lines[0].strip():
        raise Failure(f"expected exactly one output line, got {len(lines)}: {proc.stdout[:200]!r}")
    return elapsed, lines[0].strip()


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def run_suite(name, suite, reps, rounds, program_filter="", wanted_peers=(), spl=None, timeout=300.0):
    """Times every program of the suite on our side and each peer's; returns (results rows for
    results.json, failure messages, markdown table)."""
    ours = dict(suite["ours"], is_ours=True)
    peers = [p for p in suite["peers"] if not wanted_peers or p["name"] in wanted_peers]
    programs = [p for p in suite["programs"] if not program_filter or re.search(program_filter, p["name"])]
    sides = [ours, *peers]
    size_problems = [m for program in programs for m in check_sizes(suite, program)]
    failures = [f"{name}/{m}" for m in size_problems]

    # best[program][side] over all rounds; per_round[program][side] = [best of round, ...]
    best, per_round, errors, outputs = {}, {}, {}, {}
    for r in range(rounds):
        for program in programs:
            pname = program["name"]
            for side in sides:
                key = (pname, side["name"])
                if key in errors:
                    continue  # failed in an earlier round: reported once, not retried
                cmd = command(side, pname, spl)
                times = []
                try:
                    for _ in range(reps):
                        elapsed, line = run_once(cmd, timeout)
                        outputs.setdefault(key, line)
                        if line != outputs[key]:
                            raise Failure(f"output changed between runs: {outputs[key]!r} then {line!r}")
                        times.append(elapsed * 1000.0)
                except Failure as e:
                    errors[key] = str(e)
                    log(f"{name}/{pname} {side['name']}: FAILED: {e}  ($ {' '.join(cmd)})")
                    continue
                round_best = min(times)
                per_round.setdefault(key, []).append(round_best)
                best[key] = min(best.get(key, round_best), round_best)
                log(f"{name}/{pname} {side['name']} round {r + 1}: {round_best:.1f} ms "
                    f"(best of {reps}) -> {outputs[key]}")

    # Output checks: every side's line must equal ours (or, when ours failed, the first peer's).
    # When every peer that ran agrees on a line and ours printed another, ours is the one marked.
    checksum = {}
    for program in programs:
        pname = program["name"]
        ran = [s["name"] for s in sides if (pname, s["name"]) in outputs and (pname, s["name"]) not in errors]
        if not ran:
            continue
        ref_side = ran[0]
        peer_lines = {outputs[(pname, n)] for n in ran if n != ours["name"]}
        if ref_side == ours["name"] and len(peer_lines) == 1 and outputs[(pname, ref_side)] not in peer_lines:
            line = peer_lines.pop()
            errors[(pname, ref_side)] = (f"output mismatch: ours printed {outputs[(pname, ref_side)]!r}, "
                                         f"every peer printed {line!r}")
            checksum[pname] = line
            continue
        checksum[pname] = outputs[(pname, ref_side)]
        for side in sides:
            key = (pname, side["name"])
            if key in outputs and key not in errors and outputs[key] != checksum[pname]:
                errors[key] = (f"output mismatch: {ref_side} printed {checksum[pname]!r}, "
                               f"{side['name']} printed {outputs[key]!r}")
    for (pname, side_name), e in errors.items():
        failures.append(f"{name}/{pname}: {side_name}: {e}")

    rows = []
    ratios = {p["name"]: [] for p in peers}
    for program in programs:
        pname = program["name"]
        okey = (pname, ours["name"])
        mine = best.get(okey) if okey not in errors else None
        for peer in peers:
            pkey = (pname, peer["name"])
            theirs = best.get(pkey) if pkey not in errors else None
            ratio = mine / theirs if mine is not None and theirs else None
            if ratio is not None:
                ratios[peer["name"]].append(ratio)
            round_ratios = sorted(round(o / p, 4) for o, p in zip(per_round.get(okey, []), per_round.get(pkey, []))
                                  if p) if ratio is not None else []
            error = "; ".join(f"{side}: {errors[k]}" for side, k in (("ours", okey), (peer["name"], pkey))
                              if k in errors) or None
            rows.append({"suite": name, "figure": pname, "unit": UNIT,
                         "ours": round(mine, 3) if mine is not None else None, "peer": peer["name"],
                         "peer_value": round(theirs, 3) if theirs is not None else None,
                         "ratio": round(ratio, 4) if ratio is not None else None,
                         "round_ratios": round_ratios, "n": program.get("n"),
                         "checksum": checksum.get(pname), "error": error})
    for peer in peers:
        gm = geomean(ratios[peer["name"]])
        rows.append({"suite": name, "figure": "geomean", "unit": "ratio", "ours": None, "peer": peer["name"],
                     "peer_value": None, "ratio": round(gm, 4) if gm is not None else None, "round_ratios": [],
                     "n": len(ratios[peer["name"]]), "checksum": None, "error": None})
    text = table(name, ours, peers, programs, best, per_round, errors, checksum, ratios, rounds > 1)
    if size_problems:
        text += "\n\nsizes disagree:\n" + "\n".join(f"- {m}" for m in size_problems)
    return rows, failures, text


def cell(ms):
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.3g}"


def status(error):
    if error is None:
        return "-"
    return "MISMATCH" if error.startswith("output mismatch") else "FAILED"


def table(name, ours, peers, programs, best, per_round, errors, checksum, ratios, spread):
    out = [f"### {name}: wall clock per process, {UNIT} (ratio = ours / peer; below 1 we are faster)", ""]
    out.append("| program | n | checksum | ours (" + ours["name"] + ") | "
               + " | ".join(p["name"] for p in peers) + " |")
    out.append("|---|---|---|---|" + "---|" * len(peers))
    for program in programs:
        pname = program["name"]
        okey = (pname, ours["name"])
        mine = None if okey in errors else best.get(okey)
        cells = [pname, str(program.get("n") or ""), checksum.get(pname, "-"),
                 cell(mine) if mine is not None else status(errors.get(okey))]
        for peer in peers:
            pkey = (pname, peer["name"])
            theirs = None if pkey in errors else best.get(pkey)
            if theirs is None:
                cells.append(status(errors.get(pkey)))
            elif mine is None:
                cells.append(cell(theirs))
            else:
                cells.append(f"{cell(theirs)} ({mine / theirs:.2f})")
        out.append("| " + " | ".join(cells) + " |")
    gms = [geomean(ratios[p["name"]]) for p in peers]
    out.append("| geomean of ratios | | | | " + " | ".join(
        f"{g:.2f} (of {len(ratios[p['name']])})" if g else "-" for g, p in zip(gms, peers)) + " |")
    if spread:
        out += ["", "per-round ratio (ours / peer, best of each round): min / median / max", ""]
        out.append("| program | " + " | ".join(p["name"] for p in peers) + " |")
        out.append("|---|" + "---|" * len(peers))
        for program in programs:
            pname = program["name"]
            cells = [pname]
            for peer in peers:
                o = per_round.get((pname, ours["name"]), [])
                p = per_round.get((pname, peer["name"]), [])
                rr = sorted(a / b for a, b in zip(o, p)) if (pname, ours["name"]) not in errors \
                    and (pname, peer["name"]) not in errors else []
                cells.append(f"{rr[0]:.2f} / {statistics.median(rr):.2f} / {rr[-1]:.2f}" if rr else "-")
            out.append("| " + " | ".join(cells) + " |")
    failed = sorted(errors.items())
    if failed:
        out += ["", "failed:"] + [f"- {p} / {s}: {e}" for (p, s), e in failed]
    return "\n".join(out)


def small_copy(path, n, tmp):
    """A copy of a Simple program with its size constant set to n (Simple programs take no
    size argument)."""
    text = path.read_text()
    m = SIZE_RE.search(text)
    if m is None or n is None:
        return path
    out = Path(tmp) / path.name
    out.write_text(text[:m.start(1)] + str(n) + text[m.end(1):])
    return out


def verify(suite, program_filter="", wanted_peers=(), with_ours=False, spl=None, timeout=120.0):
    """Runs every peer program at the suite's small size and checks that all print the same line.
    With ours: also runs our program, from a copy whose size constant is the small size."""
    peers = [p for p in suite["peers"] if not wanted_peers or p["name"] in wanted_peers]
    ours = dict(suite["ours"], is_ours=True)
    bad = 0
    with tempfile.TemporaryDirectory(prefix="spl-lang-") as tmp:
        for program in suite["programs"]:
            pname = program["name"]
            if program_filter and not re.search(program_filter, pname):
                continue
            for m in check_sizes(suite, program):
                print(f"FAILED: {m}")
                bad += 1
            small = program.get("small")
            lines = {}
            if with_ours:
                source = program_files(suite, pname)[ours["name"]]
                cmd = [str(small_copy(source, small, tmp)) if a == str(source) else a
                       for a in command(ours, pname, spl)]
                try:
                    _, lines[ours["name"]] = run_once(cmd, timeout)
                except Failure as e:
                    lines[ours["name"]] = f"FAILED ({e})"
            for peer in peers:
                try:
                    _, lines[peer["name"]] = run_once(command(peer, pname, size=small), timeout)
                except Failure as e:
                    lines[peer["name"]] = f"FAILED ({e})"
            same = len(set(lines.values())) == 1 and not any(v.startswith("FAILED") for v in lines.values())
            bad += 0 if same else 1
            print(f"{'ok  ' if same else 'DIFF'} {pname} n={small}: "
                  + ", ".join(f"{k}={v}" for k, v in lines.items()), flush=True)
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("suite", nargs="?", default="lang")
    ap.add_argument("--verify-peers", action="store_true",
                    help="run every peer at the suite's small sizes and check they all print the same line")
    ap.add_argument("--verify", action="store_true",
                    help="the same with ours too (a copy of each Simple program with N set to the small size)")
    ap.add_argument("--reps", type=int, default=None, help="runs per round; the best is kept (default: the suite's)")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--filter", default="", help="regex on program names")
    ap.add_argument("--peers", default="", help="comma-separated peer names (default: all)")
    ap.add_argument("--spl", default=None, help="the spl binary for our side (default: build/release/tools/spl/spl)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per process (default 300)")
    args = ap.parse_args()
    suite = json.loads((SUITE_DIR / f"{args.suite}.json").read_text())
    wanted = {p for p in args.peers.split(",") if p}
    if args.verify or args.verify_peers:
        return verify(suite, args.filter, wanted, args.verify, args.spl)
    rows, failures, text = run_suite(args.suite, suite, args.reps or suite.get("reps", 3), args.rounds,
                                     args.filter, wanted, args.spl, args.timeout)
    print(text)
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
