"""bench/mpi_analysis.py — the MPI part of `make bench`'s analysis (imported by bench/analyze).

Porto's MPI against Debian's MPICH (ch4/UCX over TCP) in Linux guests on the same QEMU
machine, with the same sources: apps/mpiperf (ping-pong, 1 MiB windowed bandwidth, 8-byte
allreduce) and apps/halo (time per iteration, on the target grid of env.txt's halo_args and on
the compute-bound one of halo_big_args). Reads DIR/porto-mpi.txt (Porto without the key, like
MPICH over TCP: the target lines), DIR/porto-mpi-key.txt (Porto with the run's key, frames
authenticated: the *_keyed lines) and DIR/mpich.txt (RESULT lines), writes DIR/mpi.csv,
DIR/plot/mpi-<side>.dat and returns the results.md section and the ratio lines.
"""
import csv
import os

SIDES = [("porto", "porto-mpi.txt", "Porto MPI"),
         ("porto-key", "porto-mpi-key.txt", "Porto MPI, keyed"),
         ("mpich", "mpich.txt", "MPICH/TCP (Linux)")]
HALO_ROWS, HALO_BIG_ROWS = 32, 256  # when env.txt does not say

# (name, quantity, op, target, what it compares). Every ratio is Porto / MPICH.
TARGETS = [
    ("mpi_latency/mpich_tcp", "lat", "<=", 0.10, "MPI 0-byte ping-pong latency, 2 nodes"),
    ("mpi_bw_1MiB/mpich_tcp", "bw", ">=", 3.0, "MPI bandwidth, 1 MiB messages (window 8), 2 nodes"),
    ("halo_iter_2n/mpich_tcp", "halo2", "<=", 0.30, "apps/halo time per iteration, 2 nodes"),
    ("halo_iter_4n/mpich_tcp", "halo4", "<=", 0.30, "apps/halo time per iteration, 4 nodes"),
    ("allreduce8_4n/mpich_tcp", "allr4", "<=", 0.15, "MPI_Allreduce of 8 bytes, 4 nodes"),
]


def grid_rows(env):
    """(target rows, compute-bound rows) of the halo grids, from env.txt's arguments."""
    out = []
    for key, default in (("halo_args", HALO_ROWS), ("halo_big_args", HALO_BIG_ROWS)):
        rows = default
        for word in env.get(key, "").split():
            if word.startswith("rows="):
                try:
                    rows = int(word[5:])
                except ValueError:
                    pass
        out.append(rows)
    return tuple(out)


def rounds_of(outdir, parse_lines):
    """The round tags (bench/mpi.sh's round=K) found in the sides' files, or [None]."""
    tags = {rec["round"] for _, name, _ in SIDES
            for rec in parse_lines(os.path.join(outdir, name)) if "round" in rec}
    return sorted(tags, key=lambda t: int(t) if t.isdigit() else 0) or [None]


def load(outdir, parse_lines, rnd=None):
    """side -> {"pingpong": {size: rec}, "bw": rec, "allreduce": {nodes: rec},
    "halo": {(nodes, rows): rec}} from the RESULT lines of each side's file (of round rnd
    when given; untagged lines belong to every round)."""
    out = {}
    for side, name, _ in SIDES:
        d = {"pingpong": {}, "bw": None, "allreduce": {}, "halo": {}, "errors": []}
        for rec in parse_lines(os.path.join(outdir, name)):
            if rnd is not None and rec.get("round", rnd) != rnd:
                continue
            try:
                nodes = int(rec.get("nodes", "0"))
                if rec.get("app") == "halo":
                    if rec.get("verify") == "FAILED":
                        d["errors"].append("halo %d nodes: verify=FAILED" % nodes)
                        continue
                    d["halo"][(nodes, int(rec.get("rows", "0")))] = rec
                elif rec.get("op") == "pingpong" and nodes == 2:
                    d["pingpong"][int(rec["size"])] = rec
                elif rec.get("op") == "bw" and nodes == 2:
                    d["bw"] = rec
                elif rec.get("op") == "allreduce":
                    d["allreduce"][nodes] = rec
            except (KeyError, ValueError):
                d["errors"].append("unreadable line: %s" % rec)
        out[side] = d
    return out


def quantity(d, what, num, stat, rows=HALO_ROWS):
    """One side's number for a target quantity (stat: median or min; rows: the halo grid) and
    why it is missing."""
    t = "_us" if what != "bw" else "_mbps"
    key = stat + t
    if what == "lat":
        rec = d["pingpong"].get(0)
        return (num(rec, key), None) if rec else (None, "no 0-byte ping-pong")
    if what == "bw":
        rec = d["bw"]
        if rec and rec.get("size") != "1048576":
            return None, "bandwidth measured at %s bytes, not 1 MiB" % rec.get("size")
        return (num(rec, key), None) if rec else (None, "no bandwidth result")
    if what in ("halo2", "halo4"):
        rec = d["halo"].get((int(what[-1]), rows))
        return (num(rec, key), None) if rec else (None, "no %s-node halo at rows=%d"
                                                  % (what[-1], rows))
    if what == "allr4":
        rec = d["allreduce"].get(4)
        return (num(rec, key), None) if rec else (None, "no 4-node allreduce")
    return None, "unknown quantity"


def ratios(data, num, stat="median", grids=(HALO_ROWS, HALO_BIG_ROWS)):
    """The target lines (Porto without the key / MPICH), then the same with the keyed Porto
    (name_keyed), then halo on the compute-bound grid (halo_iter_Nn_rowsR), same targets."""
    rows, big = grids
    lines = [(name, "porto", what, rows, op, target, desc)
             for name, what, op, target, desc in TARGETS]
    lines += [(name.replace("/", "_keyed/"), "porto-key", what, rows, op, target,
               desc + ", Porto frames authenticated")
              for name, what, op, target, desc in TARGETS]
    lines += [(name.replace("/", "_rows%d/" % big), "porto", what, big, op, target,
               desc + ", compute-bound grid (rows=%d)" % big)
              for name, what, op, target, desc in TARGETS if what.startswith("halo")]
    out = []
    for name, side, what, r_rows, op, target, desc in lines:
        a, why_a = quantity(data[side], what, num, stat, r_rows)
        b, why_b = quantity(data["mpich"], what, num, stat, r_rows)
        if a is None or b is None or b == 0:
            why = "; ".join(w for w in (why_a and "Porto: " + why_a, why_b and "MPICH: " + why_b)
                            if w) or "zero"
            out.append((name, None, op, target, "n/a", desc, why))
            continue
        r = a / b
        met = r <= target if op == "<=" else r >= target
        out.append((name, r, op, target, "met" if met else "missed", desc, ""))
    return out


def combine(per_round):
    """One line per ratio over the rounds: the median of the rounds' values (each round
    compares runs minutes apart), the values themselves in the note. A ratio missing in any
    round is missing."""
    out = []
    for rows in zip(*per_round):
        name, _, op, target, _, desc, _ = rows[0]
        missing = [r for r in rows if r[1] is None]
        if missing:
            out.append((name, None, op, target, "n/a", desc, missing[0][6]))
            continue
        vals = sorted(r[1] for r in rows)
        n = len(vals)
        med = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
        met = med <= target if op == "<=" else med >= target
        note = "" if n == 1 else "rounds: " + ", ".join("%.3f" % r[1] for r in rows)
        out.append((name, med, op, target, "met" if met else "missed", desc, note))
    return out


def write_files(outdir, data):
    with open(os.path.join(outdir, "mpi.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["side", "what", "nodes", "size", "median", "min", "spread_hi", "unit", "n"])
        for side, _, _ in SIDES:
            d = data[side]
            for size, rec in sorted(d["pingpong"].items()):
                w.writerow([side, "pingpong", 2, size, rec.get("median_us"), rec.get("min_us"),
                            rec.get("p99_us"), "us", rec.get("n")])
            if d["bw"]:
                r = d["bw"]
                w.writerow([side, "bw", 2, r.get("size"), r.get("median_mbps"),
                            r.get("min_mbps"), r.get("max_mbps"), "MB/s", r.get("n")])
            for n, r in sorted(d["allreduce"].items()):
                w.writerow([side, "allreduce", n, 8, r.get("median_us"), r.get("min_us"),
                            r.get("p99_us"), "us", r.get("n")])
            for (n, rows), r in sorted(d["halo"].items()):
                w.writerow([side, "halo_rows%d" % rows, n, r.get("row_bytes"),
                            r.get("median_us"), r.get("min_us"), r.get("p90_us"), "us",
                            r.get("iters")])
    pdir = os.path.join(outdir, "plot")
    os.makedirs(pdir, exist_ok=True)
    for side, _, _ in SIDES:
        with open(os.path.join(pdir, "mpi-%s.dat" % side), "w") as f:
            f.write("# size median_us (MPI ping-pong, half round trip; sizes >= 1)\n")
            for size, rec in sorted(data[side]["pingpong"].items()):
                if size >= 1 and rec.get("median_us"):
                    f.write("%d %s\n" % (size, rec["median_us"]))


def markdown(data, rat, rat_min, num, grids=(HALO_ROWS, HALO_BIG_ROWS)):
    L = ["## MPI: Porto MPI vs MPICH over TCP in Linux guests (same sources, same machine)", ""]
    L.append("Ratios are Porto / MPICH (bandwidth: Porto / MPICH, higher is better); the last "
             "column is the same ratio from the minima. The target lines run Porto with "
             "`--no-key` (frames not authenticated, as MPICH over TCP); `_keyed` lines run it "
             "with the run's key (SipHash-2-4 on every frame, Porto's default). apps/halo: "
             "target grid 164 x %d, compute-bound grid 164 x %d (`_rows%d`)." % (
                 grids[0], grids[1], grids[1]))
    L.append("")
    L.append("| ratio | compares | measured (median) | target | status | from minima | "
             "rounds |")
    L.append("|---|---|---|---|---|---|---|")
    for (name, r, op, target, status, what, why), m in zip(rat, rat_min):
        meas = "n/a (%s)" % why if r is None else "%.3f" % r
        mm = "-" if m[1] is None else "%.3f (%s)" % (m[1], m[4])
        per = why[len("rounds: "):] if r is not None and why.startswith("rounds: ") else "-"
        L.append("| `%s` | %s | %s | %s %.2f | **%s** | %s | %s |" % (
            name, what, meas, op, target, status, mm, per))
    L.append("")
    L.append("| quantity | " + " | ".join(lbl for _, _, lbl in SIDES) + " |")
    L.append("|---|" + "---:|" * len(SIDES))

    def cell(side, what, rows, stat="median"):
        v, _ = quantity(data[side], what, num, stat, rows)
        return "-" if v is None else "%.2f" % v

    rows, big = grids
    for what, lbl, r in (("lat", "0-byte latency, us (median)", rows),
                         ("bw", "bandwidth 1 MiB, MB/s", rows),
                         ("halo2", "halo per iteration, 2 nodes, 164 x %d, us" % rows, rows),
                         ("halo4", "halo per iteration, 4 nodes, 164 x %d, us" % rows, rows),
                         ("halo2", "halo per iteration, 2 nodes, 164 x %d, us" % big, big),
                         ("halo4", "halo per iteration, 4 nodes, 164 x %d, us" % big, big),
                         ("allr4", "allreduce 8 B, 4 nodes, us", rows)):
        L.append("| %s | %s |" % (lbl, " | ".join(cell(s, what, r) for s, _, _ in SIDES)))
    row = []
    for side, _, _ in SIDES:
        rec = data[side]["pingpong"].get(1 << 20)
        d = num(rec, "median_us") if rec else None
        row.append("%.1f" % ((1 << 20) / d) if d else "-")
    L.append("| ping-pong throughput T(1 MiB) = S / D(S), MB/s (GAMMA's) | %s |" % " | ".join(row))
    for g in grids:
        for n in (2, 4):
            row = []
            for s, _, _ in SIDES:
                rec = data[s]["halo"].get((n, g))
                row.append("%s (verify %s)" % (rec.get("speedup", "-"), rec.get("verify", "-"))
                           if rec else "-")
            L.append("| halo speed-up over serial, 164 x %d, %d nodes | %s |" % (
                g, n, " | ".join(row)))
        row = []
        for s, _, _ in SIDES:
            rec = data[s]["halo"].get((2, g))
            row.append(rec.get("serial_us", "-") if rec else "-")
        L.append("| halo serial sweep, 164 x %d, us (rank 0 of the 2-node run) | %s |" % (
            g, " | ".join(row)))
    L.append("")
    L.append("MPI ping-pong D(S), median us (2 nodes):")
    L.append("")
    sizes = sorted({s for side, _, _ in SIDES for s in data[side]["pingpong"]})
    L.append("| S (bytes) | " + " | ".join(lbl for _, _, lbl in SIDES) + " |")
    L.append("|---:|" + "---:|" * len(SIDES))
    for s in sizes:
        L.append("| %d | %s |" % (s, " | ".join(
            data[side]["pingpong"][s].get("median_us", "-") if s in data[side]["pingpong"]
            else "-" for side, _, _ in SIDES)))
    L.append("")
    errs = [(side, e) for side, _, _ in SIDES for e in data[side]["errors"]]
    for side, e in errs:
        L.append("- error (%s): %s" % (side, e))
    if errs:
        L.append("")
    L.append("![MPI ping-pong](mpi.png)")
    L.append("")
    return "\n".join(L)


def analyze(outdir, parse_lines, num, env=None):
    """Per round: the ratios; over the rounds: their medians. The tables and files show the
    last round's numbers (results.md says which), every round's ratio is in the notes."""
    grids = grid_rows(env or {})
    rounds = rounds_of(outdir, parse_lines)
    per = [load(outdir, parse_lines, k) for k in rounds]
    rat = combine([ratios(d, num, grids=grids) for d in per])
    rat_min = combine([ratios(d, num, "min", grids=grids) for d in per])
    data = per[-1]
    write_files(outdir, data)
    md = markdown(data, rat, rat_min, num, grids)
    if len(rounds) > 1:
        md = md.replace("## MPI: Porto MPI vs MPICH over TCP in Linux guests (same sources, same "
                        "machine)\n", "## MPI: Porto MPI vs MPICH over TCP in Linux guests (same "
                        "sources, same machine)\n\n%d rounds, alternating which side runs first; "
                        "ratios: the median of the rounds' ratios (each round's in the last "
                        "column); the tables below: round %s.\n" % (len(rounds), rounds[-1]), 1)
    return data, rat, md


def self_test(parse_lines, num):
    """Checks ratios, the missing-side reasons and the files on a synthetic run."""
    import shutil
    import tempfile
    d = tempfile.mkdtemp(prefix="porto-mpi-analyze-")
    with open(os.path.join(d, "mpich.txt"), "w") as f:
        for s in (0, 1, 1024):
            f.write("RESULT impl=mpich-tcp op=pingpong nodes=2 size=%d median_us=%d min_us=50 "
                    "p99_us=900 n=100\n" % (s, 100 + s))
        f.write("RESULT impl=mpich-tcp op=bw nodes=2 size=1048576 window=8 median_mbps=100 "
                "min_mbps=90 max_mbps=110 n=20\n")
        f.write("RESULT impl=mpich-tcp op=allreduce nodes=4 size=8 median_us=400 min_us=200 "
                "p99_us=900 n=100\n")
        for n, rows, t in ((2, 32, 1000), (4, 32, 2000), (2, 256, 4000)):
            f.write("RESULT app=halo nodes=%d width=164 rows=%d iters=200 row_bytes=1312 "
                    "median_us=%d min_us=%d p10_us=1 p90_us=1 max_us=1 serial_us=1 speedup=1 "
                    "res_first=1 res_last=1 verify=ok maxdiff=0\n" % (n, rows, t, t // 2))
    with open(os.path.join(d, "porto-mpi.txt"), "w") as f:
        f.write("[0] RESULT impl=porto-mpi op=pingpong nodes=2 size=0 median_us=8 min_us=5 "
                "p99_us=20 n=100\n")
        f.write("RESULT impl=porto-mpi op=bw nodes=2 size=1048576 window=8 median_mbps=450 "
                "min_mbps=400 max_mbps=500 n=20\n")
        f.write("RESULT app=halo nodes=2 width=164 rows=32 iters=200 row_bytes=1312 "
                "median_us=250 min_us=200 p10_us=1 p90_us=1 max_us=1 serial_us=1 speedup=1 "
                "res_first=1 res_last=1 verify=ok maxdiff=0\n")
        f.write("RESULT app=halo nodes=2 width=164 rows=256 iters=200 row_bytes=1312 "
                "median_us=2000 min_us=200 p10_us=1 p90_us=1 max_us=1 serial_us=1 speedup=1 "
                "res_first=1 res_last=1 verify=ok maxdiff=0\n")
        f.write("RESULT app=halo nodes=4 width=164 rows=32 iters=200 row_bytes=1312 "
                "median_us=1 min_us=1 p10_us=1 p90_us=1 max_us=1 serial_us=1 speedup=1 "
                "res_first=1 res_last=1 verify=FAILED maxdiff=1\n")
    with open(os.path.join(d, "porto-mpi-key.txt"), "w") as f:
        f.write("RESULT impl=porto-mpi op=pingpong nodes=2 size=0 median_us=9 min_us=5 "
                "p99_us=20 n=100\n")
    data, rat, md = analyze(d, parse_lines, num, {"halo_args": "width=164 rows=32 iters=9"})
    r = {x[0]: x for x in rat}
    rmin = {x[0]: x for x in ratios(data, num, "min")}
    checks = [
        (abs(r["mpi_latency/mpich_tcp"][1] - 0.08) < 1e-9, "latency 8/100"),
        (r["mpi_latency/mpich_tcp"][4] == "met", "0.08 <= 0.10 met"),
        (abs(rmin["mpi_latency/mpich_tcp"][1] - 0.1) < 1e-9, "latency from minima 5/50"),
        (abs(r["mpi_bw_1MiB/mpich_tcp"][1] - 4.5) < 1e-9, "bandwidth 450/100"),
        (r["mpi_bw_1MiB/mpich_tcp"][4] == "met", "4.5 >= 3 met"),
        (abs(r["halo_iter_2n/mpich_tcp"][1] - 0.25) < 1e-9, "halo 2n 250/1000"),
        (r["halo_iter_4n/mpich_tcp"][1] is None and "Porto: no 4-node halo" in
         r["halo_iter_4n/mpich_tcp"][6], "a failed verify is no result"),
        (data["porto"]["errors"] == ["halo 4 nodes: verify=FAILED"], "the failure is listed"),
        (r["allreduce8_4n/mpich_tcp"][1] is None, "no Porto allreduce: n/a"),
        (abs(r["mpi_latency_keyed/mpich_tcp"][1] - 0.09) < 1e-9, "keyed latency 9/100"),
        (r["mpi_bw_1MiB_keyed/mpich_tcp"][1] is None, "no keyed bandwidth: n/a"),
        (abs(r["halo_iter_2n_rows256/mpich_tcp"][1] - 0.5) < 1e-9, "halo 2n rows=256 2000/4000"),
        (r["halo_iter_2n_rows256/mpich_tcp"][4] == "missed", "0.5 > 0.30 missed"),
        (r["halo_iter_4n_rows256/mpich_tcp"][1] is None, "no 4-node rows=256 halo: n/a"),
        (len(rat) == 12, "5 target lines, 5 keyed, 2 compute-bound halo"),
        ("MPI ping-pong D(S)" in md and "verify=FAILED" in md, "markdown section"),
        (os.path.getsize(os.path.join(d, "mpi.csv")) > 0, "mpi.csv written"),
        (os.path.getsize(os.path.join(d, "plot", "mpi-mpich.dat")) > 0, "plot data written"),
    ]
    # Two rounds: the ratio is the median (here the mean) of the rounds' ratios.
    for name in ("mpich.txt", "porto-mpi.txt"):
        with open(os.path.join(d, name)) as f:
            lines = [ln.rstrip("\n") for ln in f if "size=0 " in ln]
        with open(os.path.join(d, name), "w") as f:
            for k, scale in (("1", 1), ("2", 3)):
                for ln in lines:
                    f.write(ln.replace("median_us=8 ", "median_us=%d " % (8 * scale)) +
                            " round=%s\n" % k)
    rr = {x[0]: x for x in analyze(d, parse_lines, num)[1]}
    checks += [
        (abs(rr["mpi_latency/mpich_tcp"][1] - 0.16) < 1e-9, "two rounds: (0.08 + 0.24) / 2"),
        (rr["mpi_latency/mpich_tcp"][6] == "rounds: 0.080, 0.240", "the rounds in the note"),
        (rr["mpi_bw_1MiB/mpich_tcp"][1] is None, "two rounds without bandwidth: n/a"),
    ]
    shutil.rmtree(d)
    bad = [what for ok, what in checks if not ok]
    for what in bad:
        print("mpi self-test FAILED: " + what)
    print("mpi self-test: %d checks, %d failed" % (len(checks), len(bad)))
    return 1 if bad else 0
