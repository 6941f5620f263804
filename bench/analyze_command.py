"""Benchmark: `dramaturg analyze` end to end against Rscript (multilevel + psych).

    python bench/analyze_command.py [--repeat 3] [--r-repeat 3] [--seed 2026] [--no-r]
                                    [--before COMMIT] [--keep]

Writes the benchmark's student network (bench/analysis.py: 400,000 students in 16,000
classes x 10 items on 1..4, Q10 reverse keyed, 3.5% of the answers empty) to a CSV as a
school's export would be: a header, one row per student, an empty cell for a missing answer.
Then runs, back to back, the console command a researcher runs,

    dramaturg analyze students.csv --items Q1,...,Q10 --group grp --options 4 \
        --reverse Q10 --min-items 8

and an R script doing the same with R's packages: read.csv, reverse keying, scale scores
(psych's alpha and the minres factor for omega on the complete cases, multilevel's ICC(1)
and ICC(2) and rwg.j and rwg.j.lindell per class). Each is a fresh process timed from start
to exit: wall time, CPU time (user + system) and peak memory (its ru_maxrss, from wait4).
One untimed run of each comes first (Python writes its bytecode, the file is cached).
`--before COMMIT` also times the command as it was at that commit (its `src/` unpacked to a
temporary directory, on this environment's packages).

Prints the times, the ratios, how much of the machine other processes used meanwhile,
whether our numbers agree with R's, and PASS/FAIL for >= 5x faster (median wall time);
exits 1 when it fails. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analysis import STUDENTS, generate
from machine import machine_busy

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 5.0
AIM_RATIO = 10.0
R_TIMEOUT_S = 900

R_SCRIPT = r"""
suppressMessages({library(multilevel); library(psych)})
args <- commandArgs(TRUE)
d <- read.csv(args[1])
items <- strsplit(args[2], ",")[[1]]
A <- as.integer(args[3]); rev <- strsplit(args[4], ",")[[1]]; min_items <- as.integer(args[5])
x <- as.matrix(d[, items]); grp <- d[[args[6]]]
x[, rev] <- (A + 1) - x[, rev]
s <- rowMeans(x, na.rm = TRUE)
s[rowSums(!is.na(x)) < min_items] <- NA
complete <- x[complete.cases(x), ]
a <- psych::alpha(complete, check.keys = FALSE, warnings = FALSE)
R <- cor(complete)
f <- suppressWarnings(psych::fa(R, nfactors = 1, fm = "minres"))
L <- as.vector(f$loadings)
omega <- (sum(R) - sum(1 - L^2)) / sum(R)
ok <- !is.na(s); sg <- s[ok]; g <- as.factor(grp[ok])
# multilevel's ICC1 and ICC2 take an aov(); at 16,000 classes aov's dense model matrix
# (400,000 x 16,000 doubles) does not fit in memory, so the one-way mean squares that aov
# would give are computed directly and put into multilevel's formulas.
nj <- tapply(sg, g, length); mj <- tapply(sg, g, mean)
G <- length(nj); N <- length(sg); k <- N / G
msb <- sum(nj * (mj - mean(sg))^2) / (G - 1)
msw <- sum((sg - mj[g])^2) / (N - G)
icc1 <- (msb - msw) / (msb + (k - 1) * msw); icc2 <- (msb - msw) / msb
rw <- rwg.j(x, grp, ranvar = (A^2 - 1) / 12)
rl <- rwg.j.lindell(x, grp, ranvar = (A^2 - 1) / 12)
cat(sprintf("%s %.17g\n", c("alpha", "omega", "icc1", "icc2", "mean", "sd"),
            c(a$total$raw_alpha, omega, icc1, icc2, mean(sg), sd(sg))), sep = "")
writeLines(sprintf("rwg %s %.17g %.17g", as.character(rw$grpid), rw$rwg.j, rl$rwg.lindell))
cat(sprintf("version multilevel %s, psych %s, R %s.%s\n", packageVersion("multilevel"),
            packageVersion("psych"), R.version$major, R.version$minor))
"""


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    stdout: str


@dataclass
class Runs:
    name: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    def median(self, key: str) -> float:
        return statistics.median(getattr(run, key) for run in self.runs)

    def best(self, key: str) -> float:
        return min(getattr(run, key) for run in self.runs)


def timed(command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Runs a command to its end: wall time, CPU time and peak memory of that process."""
    out = cwd / "stdout.txt"
    with out.open("w") as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else ""
    if status != 0:
        raise SystemExit(f"{' '.join(command[:3])} failed: {stderr.strip()[-500:]}")
    # Linux reports ru_maxrss in kilobytes.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read_text())


def write_csv(path: Path, seed: int) -> tuple[int, int]:
    data = generate(STUDENTS, np.random.default_rng(seed))
    lines = [",".join([*data.names, "grp"])]
    for row, code in zip(data.items.tolist(), data.codes.tolist(), strict=True):
        lines.append(",".join("" if v != v else f"{v:.0f}" for v in row) + f",{code}")
    path.write_text("\n".join(lines) + "\n")
    return len(data.codes), STUDENTS.n_groups


def dramaturg_command() -> list[str]:
    script = Path(sys.executable).with_name("dramaturg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dramaturg"]


def unpack_commit(commit: str, target: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True
    ).stdout
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def r_version_note() -> str:
    if shutil.which("Rscript") is None:
        return "no Rscript (Debian: r-base-core r-cran-multilevel r-cran-psych)"
    check = subprocess.run(
        ["Rscript", "--vanilla", "-e", "library(multilevel); library(psych)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if check.returncode == 0 else "R lacks multilevel or psych"


def parse_r(text: str) -> tuple[dict[str, float], dict[str, tuple[float, float]], str]:
    scalars: dict[str, float] = {}
    groups: dict[str, tuple[float, float]] = {}
    version = ""
    for line in text.splitlines():
        key, *values = line.split()
        if key == "rwg":
            groups[values[0]] = tuple(float("nan") if v == "NA" else float(v) for v in values[1:])
        elif key == "version":
            version = " ".join(values)
        else:
            scalars[key] = float(values[0])
    return scalars, groups, version


def agreement(ours: dict, r_text: str) -> list[str]:
    scalars, groups, _version = parse_r(r_text)
    lines = []
    pairs = {
        "alpha": ours["scale"]["alpha"],
        "omega": ours["scale"]["omega_total"],
        "icc1": ours["icc1"],
        "icc2": ours["icc2"],
        "mean": ours["scale"]["mean"],
        "sd": ours["scale"]["sd"],
    }
    for key, value in pairs.items():
        lines.append(
            f"  {key:<26} ours {value:.12f}  R {scalars[key]:.12f}  |diff| "
            f"{abs(value - scalars[key]):.1e}"
        )
    shown = {g["group"]: g for g in ours["groups"] if not g["suppressed"]}
    for index, key in ((0, "rwg_j"), (1, "rwg_j_lindell")):
        diffs = [
            abs(shown[label][key] - theirs[index])
            for label, theirs in groups.items()
            if label in shown and shown[label][key] is not None and theirs[index] == theirs[index]
        ]
        lines.append(
            f"  {key + ' per class':<26} {len(diffs):,} compared  max |diff| {max(diffs):.1e}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of ours (3)")
    parser.add_argument("--r-repeat", type=int, default=3, help="timed runs of R (3)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-r", action="store_true", help="time ours only")
    parser.add_argument("--before", metavar="COMMIT", help="also time the command at COMMIT")
    parser.add_argument("--keep", action="store_true", help="keep the CSV and outputs")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="analyze-bench-"))
    csv_path = workdir / "students.csv"
    n, groups = write_csv(csv_path, args.seed)
    size_mb = csv_path.stat().st_size / 1024 / 1024
    items = ",".join(f"Q{j + 1}" for j in range(STUDENTS.items))
    analyze_args = [str(csv_path), "--items", items, "--group", "grp", "--options", "4"]
    analyze_args += ["--reverse", "Q10", "--min-items", str(STUDENTS.min_items)]

    # A real install has bytecode; this workplace may switch writing it off.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["DRAMATURG_DATA_DIR"] = str(workdir / "var")
    tools: list[tuple[Runs, list[str], dict[str, str], int]] = []
    ours = Runs("dramaturg analyze")
    tools.append((ours, [*dramaturg_command(), "analyze", *analyze_args], env, args.repeat))
    before = None
    if args.before:
        source = unpack_commit(args.before, workdir / "before")
        before = Runs(f"dramaturg analyze at {args.before}")
        tools.append(
            (
                before,
                [sys.executable, "-m", "dramaturg", "analyze", *analyze_args],
                {**env, "PYTHONPATH": str(source)},
                args.repeat,
            )
        )
    r = None
    r_note = "skipped (--no-r)" if args.no_r else r_version_note()
    if not r_note:
        script = workdir / "analyze.R"
        script.write_text(R_SCRIPT)
        r = Runs("Rscript (multilevel + psych)")
        command = ["Rscript", "--vanilla", str(script), str(csv_path), items, "4", "Q10"]
        command += [str(STUDENTS.min_items), "grp"]
        tools.append((r, command, env, args.r_repeat))

    load_before = os.getloadavg()
    busy0, total0 = machine_busy()
    own_cpu = 0.0
    for _runs, command, tool_env, _repeat in tools:  # untimed: bytecode, file cache
        own_cpu += timed(command, tool_env, workdir).cpu
    for round_ in range(max(repeat for *_rest, repeat in tools)):
        for runs, command, tool_env, repeat in tools:
            if round_ < repeat:
                run = timed(command, tool_env, workdir)
                runs.runs.append(run)
                own_cpu += run.cpu
    busy1, total1 = machine_busy()
    cpus = os.cpu_count() or 1
    machine = (busy1 - busy0) / (total1 - total0) if total1 > total0 else float("nan")
    outside = max(0.0, (busy1 - busy0) - own_cpu) / (total1 - total0) if total1 > total0 else 0

    print(
        f"dramaturg analyze vs Rscript (seed {args.seed}): Python {platform.python_version()}, "
        f"{cpus} cores, load average {', '.join(f'{v:.2f}' for v in load_before)} at the start"
    )
    print(
        f"  {csv_path.name}: {n:,} rows in {groups:,} classes x {STUDENTS.items} items on 1..4, "
        f"{size_mb:.1f} MB"
    )
    print(
        f"  machine {machine:.0%} busy during the runs, {outside:.0%} of it outside this benchmark"
    )
    print()
    print(f"  {'':38} {'wall median':>11} {'wall best':>10} {'CPU median':>11} {'peak RSS':>9}")
    for runs, *_rest in tools:
        print(
            f"  {runs.name + f' ({len(runs.runs)} runs)':38} {runs.median('wall'):10.2f}s "
            f"{runs.best('wall'):9.2f}s {runs.median('cpu'):10.2f}s {runs.median('rss_mb'):6.0f} MB"
        )
    result = json.loads(ours.runs[-1].stdout)
    failed = False
    for other in (before, r):
        if other is None:
            continue
        print(
            f"  {other.name} / ours: wall {other.median('wall') / ours.median('wall'):.1f}x, "
            f"CPU {other.median('cpu') / ours.median('cpu'):.1f}x, "
            f"peak memory {other.median('rss_mb') / ours.median('rss_mb'):.2f}x"
        )
    if before is not None:
        same = json.loads(before.runs[-1].stdout) == result
        print(f"  output at {args.before}: {'identical' if same else 'DIFFERENT'}")
        failed |= not same
    if r is None:
        print(f"  R: {r_note}")
    else:
        print(f"  R: {parse_r(r.runs[-1].stdout)[2]}")
        print("\nAgreement with R")
        for line in agreement(result, r.runs[-1].stdout):
            print(line)
        ratio = r.median("wall") / ours.median("wall")
        verdict = "PASS" if ratio >= TARGET_RATIO else "FAIL"
        aim = "reached" if ratio >= AIM_RATIO else "not reached"
        print(
            f"\n{verdict}  >= {TARGET_RATIO:.0f}x faster than R (median wall): {ratio:.1f}x; "
            f"aim {AIM_RATIO:.0f}x {aim}"
        )
        failed |= verdict == "FAIL"
    if args.keep:
        print(f"  kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
