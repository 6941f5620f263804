"""Benchmark: the analysis engine over a whole synthetic network, against R and pingouin.

    python bench/analysis.py [--repeat 3] [--seed 2026] [--no-r] [--r-students | --no-r-students]
                             [--pingouin-python PYTHON | --no-pingouin] [--profile]

Generates a network with known structure (1,000 schools x 40 teachers x 12 items on 1..5,
grouped by school; 400,000 students in 16,000 classes x 10 items on 1..4, grouped by class;
a between-group effect, one reverse-keyed item and missing answers) and computes everything
for every group with `dramaturg.analysis.summarise`, a teachers pass and a students pass.
Then, when they are installed, the same figures with the references on the same data:
R's `multilevel` (ICC1, ICC2 on `aov`, `rwg.j` per group; run with Rscript) and `pingouin`
(`cronbach_alpha` per group; run with --pingouin-python, the Python of a venv that has it).
Prints the times, the ratios, peak memory, whether the numbers agree, and PASS/FAIL per
target; exits 1 if a target fails. See docs/benchmarks.md.

The same file is the pingouin worker (`--pingouin-worker DATA OUT`), run by that other
Python: it needs numpy, pandas and pingouin, nothing of this project.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MB = 1024 * 1024
IDENTICAL = 1e-9  # "identical results": the largest absolute difference allowed
TARGET_TEACHERS_S = 1.0
TARGET_BOTH_S = 3.0
TARGET_MEMORY_MB = 500
TARGET_RATIO = 10.0
R_TIMEOUT_S = 900
# aov() builds a dense model matrix, rows x groups doubles: 400,000 x 16,000 x 8 bytes is
# 51 GB for the students, far beyond this machine, so R computes the students' rwg.j only.
R_AOV_MAX_BYTES = 4 * 1024 * MB


@dataclass(frozen=True)
class Design:
    """One pass of the network: who answers which items, and how the answers are made."""

    name: str
    group_word: str
    n_groups: int
    mean_size: int
    size_spread: int  # group sizes run mean_size +- size_spread, in pairs that sum to 2 mean
    items: int
    options: int
    reverse: tuple[int, ...]  # 0-based item columns that are reverse keyed
    min_items: int
    latent_icc: float  # the between-group share of the latent variance
    missing: float  # the chance that any one answer is missing
    skippers: float  # the share of respondents who skip half their items (no scale score)


TEACHERS = Design("teachers", "schools", 1000, 40, 0, 12, 5, (11,), 10, 0.15, 0.03, 0.01)
STUDENTS = Design("students", "classes", 16000, 25, 5, 10, 4, (9,), 8, 0.10, 0.03, 0.01)


@dataclass
class Data:
    design: Design
    items: np.ndarray  # (n, k) float64, NaN missing: the raw answers (reverse item as given)
    codes: np.ndarray  # (n,) int64 group codes 0..G-1: the group label is str(code)

    @property
    def names(self) -> list[str]:
        return [f"Q{j + 1}" for j in range(self.design.items)]

    @property
    def reverse_names(self) -> list[str]:
        return [self.names[j] for j in self.design.reverse]


def generate(design: Design, rng: np.random.Generator) -> Data:
    """Answers from a one-factor model with a group effect: latent = group + person, each
    item = loading * latent + noise, cut into 1..options; reverse-keyed items are flipped,
    then answers go missing (at random, and half the items of a few respondents)."""
    g = design.n_groups
    if design.size_spread:
        half = rng.integers(-design.size_spread, design.size_spread + 1, g // 2)
        sizes = design.mean_size + np.concatenate([half, -half])
        sizes = np.concatenate([sizes, np.full(g - len(sizes), design.mean_size)])
        rng.shuffle(sizes)
    else:
        sizes = np.full(g, design.mean_size)
    codes = np.repeat(np.arange(g, dtype=np.int64), sizes)
    n = len(codes)
    latent = rng.normal(0, np.sqrt(design.latent_icc), g)[codes]
    latent += rng.normal(0, np.sqrt(1 - design.latent_icc), n)
    loadings = rng.uniform(0.6, 0.85, design.items)
    z = latent[:, None] * loadings + rng.normal(size=(n, design.items)) * np.sqrt(1 - loadings**2)
    cuts = np.linspace(-1.4, 1.4, design.options - 1)
    answers = (np.digitize(z, cuts) + 1).astype(np.float64)
    reverse = list(design.reverse)
    answers[:, reverse] = (design.options + 1) - answers[:, reverse]
    answers[rng.random(answers.shape) < design.missing] = np.nan
    skippers = np.flatnonzero(rng.random(n) < design.skippers)
    answers[skippers, : design.items // 2] = np.nan
    return Data(design, answers, codes)


def describe_data(data: Data) -> str:
    d = data.design
    sizes = np.bincount(data.codes)
    missing = np.isnan(data.items).mean()
    size = f"{sizes.min()}" if sizes.min() == sizes.max() else f"{sizes.min()}-{sizes.max()}"
    return (
        f"{d.name}: {len(data.codes):,} in {d.n_groups:,} {d.group_word} of {size} x "
        f"{d.items} items on 1..{d.options} "
        f"({', '.join(data.reverse_names)} reverse keyed), {missing:.1%} of answers missing, "
        f"scale score from {d.min_items} answered items; latent ICC {d.latent_icc}"
    )


# --- ours ---


def ours(data: Data) -> dict:
    from dramaturg.analysis import summarise

    d = data.design
    return summarise(
        data.items,
        data.codes,
        item_names=data.names,
        options=d.options,
        reverse=data.reverse_names,
        min_items=d.min_items,
        threshold=5,
    )


@dataclass
class Timing:
    first: float
    best: float
    result: dict


def time_ours(data: Data, repeat: int) -> Timing:
    times, result = [], {}
    for _ in range(repeat):
        start = time.perf_counter()
        result = ours(data)
        times.append(time.perf_counter() - start)
    return Timing(times[0], min(times), result)


def peak_traced(data: Data) -> float:
    """The most memory numpy and Python allocated at once during one pass, in MB."""
    tracemalloc.start()
    try:
        ours(data)
        return tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def per_group(result: dict, key: str, n_groups: int) -> np.ndarray:
    """A statistic per group code from summarise's output (NaN for null or suppressed)."""
    out = np.full(n_groups, np.nan)
    for group in result["groups"]:
        value = group.get(key)
        if value is not None:
            out[int(group["group"])] = value
    return out


def suppressed_mask(result: dict, n_groups: int) -> np.ndarray:
    hidden = np.zeros(n_groups, dtype=bool)
    for group in result["groups"]:
        hidden[int(group["group"])] = group["suppressed"]
    return hidden


def profile(data: Data) -> None:
    import cProfile
    import pstats

    print(f"\n--- cProfile of the {data.design.name} pass ---")
    profiler = cProfile.Profile()
    profiler.enable()
    ours(data)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(15)


# --- R's multilevel ---

R_SCRIPT = r"""
suppressMessages(library(multilevel))
args <- commandArgs(TRUE)
d <- read.csv(args[1], na.strings = "nan")
A <- as.integer(args[2])
rev <- as.integer(strsplit(args[3], ",")[[1]])
min_items <- as.integer(args[4])
with_aov <- args[5] == "1"
x <- as.matrix(d[, setdiff(names(d), "grp")])
grp <- d$grp
icc1 <- NA; icc2 <- NA
t_icc <- system.time({
  x[, rev] <- (A + 1) - x[, rev]
  s <- rowMeans(x, na.rm = TRUE)
  s[rowSums(!is.na(x)) < min_items] <- NA
  if (with_aov) {
    model <- aov(s ~ as.factor(grp))
    icc1 <- ICC1(model)
    icc2 <- ICC2(model)
  }
})[["elapsed"]]
t_rwg <- system.time(r <- rwg.j(x, grp, ranvar = (A^2 - 1) / 12))[["elapsed"]]
out <- file(args[6], "w")
writeLines(sprintf("time_icc %.17g", t_icc), out)
writeLines(sprintf("time_rwg %.17g", t_rwg), out)
writeLines(sprintf("icc1 %.17g", icc1), out)
writeLines(sprintf("icc2 %.17g", icc2), out)
writeLines(sprintf("rwg %s %.17g", as.character(r$grpid), r$rwg.j), out)
close(out)
cat(sprintf("multilevel %s, R %s.%s\n", packageVersion("multilevel"), R.version$major,
            R.version$minor))
"""


@dataclass
class RResult:
    ok: bool
    note: str = ""
    compute: float = float("nan")  # inside R: system.time of the computation
    compute_icc: float = float("nan")
    compute_rwg: float = float("nan")
    wall: float = float("nan")  # the whole Rscript run: start, reading the CSV, computing
    icc1: float = float("nan")
    icc2: float = float("nan")
    rwg: np.ndarray = field(default_factory=lambda: np.empty(0))
    with_aov: bool = True
    version: str = ""


def r_number(text: str) -> float:
    return float("nan") if text == "NA" else float(text)


def run_r(data: Data, workdir: Path, with_aov: bool) -> RResult:
    d = data.design
    csv_path = workdir / f"{d.name}.csv"
    table = np.column_stack([data.items, data.codes.astype(np.float64)])
    np.savetxt(
        csv_path,
        table,
        fmt="%.0f",
        delimiter=",",
        header=",".join([*data.names, "grp"]),
        comments="",
    )
    script, out = workdir / "multilevel.R", workdir / f"{d.name}.r.txt"
    script.write_text(R_SCRIPT)
    reverse = ",".join(str(j + 1) for j in d.reverse)
    command = ["Rscript", "--vanilla", str(script), str(csv_path), str(d.options), reverse]
    command += [str(d.min_items), "1" if with_aov else "0", str(out)]
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=R_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return RResult(False, f"R took more than {R_TIMEOUT_S} s")
    wall = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return RResult(False, f"R failed: {last}")
    result = RResult(True, wall=wall, with_aov=with_aov)
    result.version = done.stdout.strip()
    rwg = np.full(d.n_groups, np.nan)
    for line in out.read_text().splitlines():
        key, *values = line.split()
        if key == "rwg":
            rwg[int(values[0])] = r_number(values[1])
        elif key == "time_icc":
            result.compute_icc = r_number(values[0])
        elif key == "time_rwg":
            result.compute_rwg = r_number(values[0])
        elif key in ("icc1", "icc2"):
            setattr(result, key, r_number(values[0]))
    result.rwg = rwg
    result.compute = result.compute_icc + result.compute_rwg
    return result


def r_available() -> str:
    """Why R cannot be the reference here, or "" when it can."""
    if shutil.which("Rscript") is None:
        return "not installed (no Rscript; Debian: r-base-core r-cran-multilevel)"
    check = subprocess.run(
        ["Rscript", "--vanilla", "-e", "library(multilevel)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        return "not installed (R has no multilevel package; Debian: r-cran-multilevel)"
    return ""


# --- pingouin (in its own Python) ---


def pingouin_worker(source: str, target: str) -> None:
    """Runs in the pingouin Python: alpha per group for each pass in `source`."""
    import warnings

    import pandas as pd
    import pingouin

    data = np.load(source)
    out: dict[str, np.ndarray] = {}
    for name in ("teachers", "students"):
        x, codes = data[f"{name}_items"].copy(), data[f"{name}_codes"]
        options, reverse = int(data[f"{name}_options"]), data[f"{name}_reverse"]
        x[:, reverse] = (options + 1) - x[:, reverse]  # keyed, as ours is, before the clock
        frame = pd.DataFrame(x, columns=[f"Q{j + 1}" for j in range(x.shape[1])])
        alphas = np.full(int(codes.max()) + 1, np.nan)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # groups with < 2 complete cases: NaN
            for code, block in frame.groupby(codes, sort=True):
                with contextlib.suppress(AssertionError):  # fewer than 2 rows
                    alphas[code] = pingouin.cronbach_alpha(data=block, nan_policy="listwise")[0]
        out[f"{name}_time"] = np.array(time.perf_counter() - start)
        out[f"{name}_alpha"] = alphas
    out["version"] = np.array(f"pingouin {pingouin.__version__}, pandas {pd.__version__}")
    out["maxrss_mb"] = np.array(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    np.savez(target, **out)


@dataclass
class PingouinResult:
    ok: bool
    note: str = ""
    compute: dict[str, float] = field(default_factory=dict)
    alpha: dict[str, np.ndarray] = field(default_factory=dict)
    wall: float = float("nan")
    version: str = ""
    maxrss_mb: float = float("nan")


def run_pingouin(python: str, passes: list[Data], workdir: Path) -> PingouinResult:
    source, target = workdir / "pingouin-in.npz", workdir / "pingouin-out.npz"
    arrays = {}
    for data in passes:
        name = data.design.name
        arrays[f"{name}_items"] = data.items
        arrays[f"{name}_codes"] = data.codes
        arrays[f"{name}_options"] = np.array(data.design.options)
        arrays[f"{name}_reverse"] = np.array(data.design.reverse, dtype=np.int64)
    np.savez(source, **arrays)
    command = [python, __file__, "--pingouin-worker", str(source), str(target)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return PingouinResult(False, f"pingouin failed: {last}")
    out = np.load(target)
    result = PingouinResult(True, wall=wall, version=str(out["version"]))
    result.maxrss_mb = float(out["maxrss_mb"])
    for data in passes:
        name = data.design.name
        result.compute[name] = float(out[f"{name}_time"])
        result.alpha[name] = out[f"{name}_alpha"]
    return result


def pingouin_python(args: argparse.Namespace) -> tuple[str, str]:
    """(the Python to run pingouin with, "") or ("", why not)."""
    if args.no_pingouin:
        return "", "skipped (--no-pingouin)"
    if args.pingouin_python:
        return args.pingouin_python, ""
    if importlib.util.find_spec("pingouin") is not None:
        return sys.executable, ""
    return "", "not installed (make bench-analysis runs it from a venv of its own)"


# --- comparing ---


@dataclass
class Agreement:
    what: str
    compared: int
    max_diff: float
    mismatched: int  # one side a number, the other missing
    note: str = ""

    @property
    def identical(self) -> bool:
        return self.mismatched == 0 and not self.max_diff > IDENTICAL


def agree(what: str, ours_values: np.ndarray, theirs: np.ndarray, note: str = "") -> Agreement:
    ours_values, theirs = np.atleast_1d(ours_values), np.atleast_1d(theirs)
    both = ~np.isnan(ours_values) & ~np.isnan(theirs)
    mismatched = int(np.count_nonzero(np.isnan(ours_values) != np.isnan(theirs)))
    diff = float(np.max(np.abs(ours_values[both] - theirs[both]))) if both.any() else 0.0
    return Agreement(what, int(both.sum()), diff, mismatched, note)


def constant_item_groups(data: Data) -> np.ndarray:
    """Groups in which some item has one value across the complete cases: psych::alpha
    (and ours) leave such an item out, pingouin keeps it, so their alphas differ there."""
    x, codes = data.items, data.codes
    complete = ~np.isnan(x).any(axis=1)
    x, codes = x[complete], codes[complete]
    g = data.design.n_groups
    present = np.bincount(codes, minlength=g) > 0
    starts = np.searchsorted(codes, np.arange(g))[present]  # codes are sorted by generation
    constant = np.zeros(g, dtype=bool)
    low, high = np.minimum.reduceat(x, starts), np.maximum.reduceat(x, starts)
    constant[present] = (low == high).any(axis=1)
    return constant


# --- report ---


def seconds(value: float) -> str:
    if value != value:
        return "-"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def ratio(reference: float, ours_time: float) -> str:
    return "-" if reference != reference else f"{reference / ours_time:,.0f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per pass (best is kept)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-r", action="store_true", help="skip R's multilevel")
    parser.add_argument(
        "--r-students",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run R's rwg.j on the students too (about 15 s; aov is never run on them)",
    )
    parser.add_argument("--pingouin-python", metavar="PYTHON", help="a Python with pingouin")
    parser.add_argument("--no-pingouin", action="store_true", help="skip pingouin")
    parser.add_argument("--profile", action="store_true", help="cProfile each pass")
    parser.add_argument("--pingouin-worker", nargs=2, metavar=("DATA", "OUT"), help="internal")
    args = parser.parse_args(argv)
    if args.pingouin_worker:
        pingouin_worker(*args.pingouin_worker)
        return 0

    import scipy

    start = time.perf_counter()
    import dramaturg.analysis  # noqa: F401  (imported once, outside the timed runs)

    import_time = time.perf_counter() - start
    rng = np.random.default_rng(args.seed)
    teachers, students = generate(TEACHERS, rng), generate(STUDENTS, rng)
    passes = [teachers, students]
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(
        f"Analysis benchmark (seed {args.seed}): Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}; {os.cpu_count()} cores, "
        f"load average {load}"
    )
    for data in passes:
        print(f"  {describe_data(data)}")
    print(f"  import dramaturg.analysis (numpy, scipy): {seconds(import_time)}, not in the times")

    # Ours first, alone: the references run after, in other processes.
    timings = {data.design.name: time_ours(data, args.repeat) for data in passes}
    traced = {data.design.name: peak_traced(data) for data in passes}
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if args.profile:
        for data in passes:
            profile(data)

    with tempfile.TemporaryDirectory(prefix="dramaturg-bench-") as tmp:
        workdir = Path(tmp)
        r_results: dict[str, RResult] = {}
        r_missing = "skipped (--no-r)" if args.no_r else r_available()
        if not r_missing:
            for data in passes:
                if data is students and not args.r_students:
                    r_results[data.design.name] = RResult(False, "skipped (--no-r-students)")
                    continue
                matrix = len(data.codes) * data.design.n_groups * 8
                r_results[data.design.name] = run_r(data, workdir, matrix <= R_AOV_MAX_BYTES)
        # Every child so far was R (and its library check): their largest peak is R's.
        r_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        python, p_missing = pingouin_python(args)
        pingouin = run_pingouin(python, passes, workdir) if python else None

    # --- times ---
    both_first = sum(t.first for t in timings.values())
    both_best = sum(t.best for t in timings.values())
    print(
        f"\nTimes (ours: summarise, everything for every group; first call and best of "
        f"{args.repeat}; references: their computation only, see below)"
    )
    header = f"  {'pass':<10}{'ours first':>12}{'ours best':>12}"
    header += f"{'R compute':>12}{'R wall':>10}{'R/ours':>9}"
    header += f"{'pingouin':>12}{'pg wall':>10}{'pg/ours':>9}"
    print(header)
    pingouin_ok = pingouin is not None and pingouin.ok
    for name, t in [*timings.items(), ("both", None)]:
        first = both_first if t is None else t.first
        best = both_best if t is None else t.best
        r = r_results.get(name)
        r_compute = r.compute if r and r.ok else float("nan")
        r_wall = r.wall if r and r.ok else float("nan")
        if pingouin_ok and pingouin is not None:
            p_compute = sum(pingouin.compute.values()) if t is None else pingouin.compute[name]
        else:
            p_compute = float("nan")
        p_wall = pingouin.wall if pingouin_ok and pingouin and t is None else float("nan")
        print(
            f"  {name:<10}{seconds(first):>12}{seconds(best):>12}"
            f"{seconds(r_compute):>12}{seconds(r_wall):>10}{ratio(r_compute, best):>9}"
            f"{seconds(p_compute):>12}{seconds(p_wall):>10}{ratio(p_compute, best):>9}"
        )
    if r_missing:
        print(f"  R multilevel: {r_missing}")
    for name, r in r_results.items():
        if not r.ok:
            print(f"  R multilevel, {name}: {r.note}")
            continue
        what = "ICC1/ICC2 (aov) " + seconds(r.compute_icc) + " + " if r.with_aov else ""
        print(
            f"  {r.version}, {name}: "
            f"{what}rwg.j {seconds(r.compute_rwg)} inside R; wall includes R's start "
            f"and read.csv"
        )
        if not r.with_aov:
            gigabytes = len(students.codes) * students.design.n_groups * 8 / 1e9
            print(
                f"  R, {name}: rwg.j only: aov() would build a dense {len(students.codes):,} x "
                f"{students.design.n_groups:,} model matrix ({gigabytes:.0f} GB); "
                f"R/ours compares R's rwg.j with our whole pass"
            )
    if pingouin is None:
        print(f"  pingouin: {p_missing}")
    elif not pingouin.ok:
        print(f"  pingouin: {pingouin.note}")
    else:
        print(
            f"  {pingouin.version}: cronbach_alpha per group (groupby loop); wall includes "
            f"its start, imports and both passes"
        )

    # --- memory ---
    print("\nMemory")
    for name, peak in traced.items():
        print(f"  {name}: tracemalloc peak {peak:.0f} MB during the pass")
    print(f"  this process: ru_maxrss {rss:.0f} MB (Python, numpy, scipy, the data and ours)")
    if any(r.ok for r in r_results.values()):
        print(f"  R: ru_maxrss {r_rss:.0f} MB (its largest run)")
    if pingouin_ok and pingouin is not None:
        print(f"  pingouin: ru_maxrss {pingouin.maxrss_mb:.0f} MB (both passes, pandas)")

    # --- agreement ---
    agreements: list[Agreement] = []
    for data in passes:
        name, g = data.design.name, data.design.n_groups
        result = timings[name].result
        hidden = suppressed_mask(result, g)
        note = f"{int(hidden.sum())} suppressed groups left out" if hidden.any() else ""
        r = r_results.get(name)
        if r and r.ok:
            if r.with_aov:
                for key, theirs_icc in (("icc1", r.icc1), ("icc2", r.icc2)):
                    ours_icc = np.nan if result[key] is None else result[key]
                    agreements.append(
                        agree(f"R {key.upper()}, {name}", np.array(ours_icc), np.array(theirs_icc))
                    )
            ours_rwg = per_group(result, "rwg_j", g)
            theirs = np.where(hidden, np.nan, r.rwg)
            agreements.append(agree(f"R rwg.j per group, {name}", ours_rwg, theirs, note))
        if pingouin_ok and pingouin is not None:
            constant = constant_item_groups(data)
            ours_alpha = np.where(constant, np.nan, per_group(result, "alpha", g))
            theirs = np.where(hidden | constant, np.nan, pingouin.alpha[name])
            notes = [note] if note else []
            if constant.any():
                notes.append(
                    f"{int(constant.sum())} groups with a constant item left out (psych and "
                    f"ours drop the item, pingouin keeps it)"
                )
            agreements.append(
                agree(f"pingouin alpha per group, {name}", ours_alpha, theirs, "; ".join(notes))
            )
    print(f"\nAgreement (largest absolute difference; identical means <= {IDENTICAL:g})")
    if not agreements:
        print("  no reference ran")
    for a in agreements:
        verdict = "identical" if a.identical else "DIFFERENT"
        extra = f", {a.mismatched} missing on one side only" if a.mismatched else ""
        note = f"; {a.note}" if a.note else ""
        print(
            f"  {a.what:<34} {a.compared:>6} compared  max |diff| {a.max_diff:.1e}  "
            f"{verdict}{extra}{note}"
        )

    # --- targets ---
    checks: list[tuple[str, bool | None, str]] = []
    best_t, best_s = timings["teachers"].best, timings["students"].best
    checks.append(
        (f"teachers pass < {TARGET_TEACHERS_S:g} s", best_t < TARGET_TEACHERS_S, seconds(best_t))
    )
    checks.append(
        (f"students included < {TARGET_BOTH_S:g} s", both_best < TARGET_BOTH_S, seconds(both_best))
    )
    peak = max([*traced.values(), rss])
    checks.append(
        (
            f"peak memory < {TARGET_MEMORY_MB} MB",
            peak < TARGET_MEMORY_MB,
            f"{max(traced.values()):.0f} MB traced, {rss:.0f} MB rss",
        )
    )
    r_ratios = [
        (name, r.compute / (best_t if name == "teachers" else best_s))
        for name, r in r_results.items()
        if r.ok
    ]
    if r_ratios:
        low = min(value for _name, value in r_ratios)
        detail = ", ".join(f"{name} {value:,.0f}x" for name, value in r_ratios)
        checks.append(
            (f">= {TARGET_RATIO:g}x faster than R multilevel", low >= TARGET_RATIO, detail)
        )
    else:
        checks.append((f">= {TARGET_RATIO:g}x faster than R multilevel", None, "R did not run"))
    if pingouin_ok and pingouin is not None:
        value = sum(pingouin.compute.values()) / both_best
        checks.append(
            (f">= {TARGET_RATIO:g}x faster than pingouin", value >= TARGET_RATIO, f"{value:,.0f}x")
        )
    else:
        checks.append((f">= {TARGET_RATIO:g}x faster than pingouin", None, "pingouin did not run"))
    if agreements:
        same = all(a.identical for a in agreements)
        worst = max(a.max_diff for a in agreements)
        checks.append(
            (f"identical results (<= {IDENTICAL:g})", same, f"largest difference {worst:.1e}")
        )
    else:
        checks.append((f"identical results (<= {IDENTICAL:g})", None, "no reference ran"))
    print("\nTargets")
    for what, passed, detail in checks:
        verdict = "SKIP" if passed is None else "PASS" if passed else "FAIL"
        print(f"  {verdict}  {what:<38} {detail}")
    return 1 if any(passed is False for _what, passed, _detail in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
