"""Byte-identical behaviour check for refactors: SHA-256 of every table of a reference set.

A restructure that must not change behaviour is proven by running the same reference runs
before and after it and comparing the SHA-256 of every Parquet table they write:

* San Francisco 2012: all nine strategies x seeds 1 and 2, 120 days;
* Columbus with every scenario modifier on (historical tension, misconduct shock, funding
  cut, staggered rollout) under the full partnership;
* a synthetic city of 20,000 residents with a staggered rollout of community policing.

Usage::

    .venv/bin/python benchmarks/reference_runs.py record   # write benchmarks/reference/
    .venv/bin/python benchmarks/reference_runs.py check    # rerun and compare (exit 1 on diff)
    .venv/bin/python benchmarks/reference_runs.py check --only columbus --keep /tmp/ref

``check`` names every table whose hash differs and, with ``--against`` a kept run of the
base revision, the first columns whose values differ, so a refactor that drifts can be
traced. The bytes also depend on the environment, recorded in ``reference/writers.json`` at
``record``: the Parquet writer (pandas, pyarrow: another version writes other metadata) and
the vector extensions NumPy dispatches to on this CPU (its AVX-512, AVX2 and SSE routines
for ``exp``, ``log``, ``log1p`` and ``power`` differ in the last digit, so on another CPU a
few mean columns differ, around 1e-11 relative, and the offences and survey answers do
not). In another environment compare values with ``--against``. When a change *should* alter
results (a new mechanism, a speed-up that changes floating-point order), record again in
its own commit and say so in the commit message.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

from joblib import Parallel, delayed

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference" / "hashes.json"
#: The environment the hashes were recorded in: the Parquet writer's versions (another pandas
#: or pyarrow writes other metadata bytes for the same values) and NumPy's vector extensions.
WRITERS = HERE / "reference" / "writers.json"
TABLES = ("timeseries", "places", "events", "survey")
SF_STRATEGIES = (
    "reactive",
    "hotspot",
    "community_policing",
    "problem_oriented",
    "procedural_justice",
    "root_causes",
    "neighbourhood_watch",
    "zero_tolerance",
    "full_partnership",
)


def reference_specs() -> dict[str, dict]:
    """The reference runs: name -> make_config keywords."""
    specs: dict[str, dict] = {}
    for strategy in SF_STRATEGIES:
        for seed in (1, 2):
            specs[f"sf2012-{strategy}-seed{seed}"] = {
                "city": "sf2012",
                "strategy": strategy,
                "seed": seed,
                "days": 120,
                "overrides": [],
            }
    specs["columbus-all-modifiers"] = {
        "city": "columbus",
        "strategy": "full_partnership",
        "seed": 3,
        "days": 150,
        "overrides": [
            "modifiers.historical_tension.share=0.3",
            "modifiers.misconduct_shock.day=40",
            "modifiers.misconduct_shock.trust_drop=0.15",
            "modifiers.funding_cut.day=90",
            "modifiers.funding_cut.fraction=0.2",
            "modifiers.rollout.treated_share=0.5",
            "modifiers.rollout.start_day=20",
        ],
    }
    specs["synthetic20k-rollout"] = {
        "city": "synthetic",
        "strategy": "community_policing",
        "seed": 4,
        "days": 120,
        "overrides": [
            "city.residents=20000",
            "modifiers.rollout.treated_share=0.5",
            "modifiers.rollout.start_day=30",
        ],
    }
    return specs


def writer_versions() -> dict[str, str]:
    """What the hashes depend on besides the code: Parquet writer versions, NumPy's SIMD."""
    import pandas as pd
    import pyarrow as pa

    from cspsim.output.provenance import numpy_simd

    return {"numpy_simd": numpy_simd(), "pandas": pd.__version__, "pyarrow": pa.__version__}


def writer_hint() -> str:
    """Why tables may differ without a change of code (another environment), or ''."""
    if not WRITERS.exists():
        return ""
    recorded, now = json.loads(WRITERS.read_text()), writer_versions()
    if recorded == now:
        return ""
    was = ", ".join(f"{k} {v!r}" for k, v in sorted(recorded.items()))
    has = ", ".join(f"{k} {v!r}" for k, v in sorted(now.items()))
    return (
        f"the hashes were recorded with {was}; this environment has {has}: another Parquet "
        "writer changes the bytes, other NumPy vector extensions (exp, log) the last digits "
        "of some means. To tell a change of behaviour from the environment, run the base revision "
        "with --keep DIR and check this one with --against DIR"
    )


def sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_spec(name: str, spec: dict, out: Path) -> dict[str, str]:
    """Run one reference spec into ``out/name`` and return the SHA-256 of each table."""
    from cspsim.api import make_config
    from cspsim.output.runner import run_one

    cfg = make_config(**spec)
    run_dir = out / name
    run_one(cfg, run_dir)
    return {t: sha256(run_dir / f"{t}.parquet") for t in TABLES}


def run_all(names: list[str], out: Path, jobs: int) -> dict[str, dict[str, str]]:
    """Run the named specs (in parallel processes) and return their hashes."""
    specs = reference_specs()
    results = Parallel(n_jobs=jobs)(delayed(run_spec)(n, specs[n], out) for n in names)
    return dict(zip(names, results, strict=True))


def explain(run_dir: Path, ref_dir: Path | None, table: str) -> str:
    """First differing columns of a table against a kept reference copy, if any."""
    if ref_dir is None or not (ref_dir / f"{table}.parquet").exists():
        return ""
    import pandas as pd

    new = pd.read_parquet(run_dir / f"{table}.parquet")
    old = pd.read_parquet(ref_dir / f"{table}.parquet")
    if list(new.columns) != list(old.columns):
        return f" columns differ: {sorted(set(new.columns) ^ set(old.columns))}"
    if len(new) != len(old):
        return f" rows {len(old)} -> {len(new)}"
    cols = [c for c in new.columns if not new[c].equals(old[c])]
    return f" differing columns: {cols[:8]}" if cols else " (same values: dtype/metadata)"


def main(argv: list[str] | None = None) -> int:
    """Record or check the reference hashes."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("action", choices=("record", "check"))
    ap.add_argument("--only", nargs="*", help="substrings of run names to include")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, help="keep the run directories here")
    ap.add_argument("--against", type=Path, help="kept reference run dirs, to explain diffs")
    args = ap.parse_args(argv)

    names = list(reference_specs())
    if args.only:
        names = [n for n in names if any(s in n for s in args.only)]
    out = args.keep or Path(tempfile.mkdtemp(prefix="cspsim-ref-"))
    if args.keep and out.exists():
        shutil.rmtree(out)  # runs are never reused: every table is made by this code
    hashes = run_all(names, out, args.jobs)
    if args.action == "record":
        REFERENCE.parent.mkdir(parents=True, exist_ok=True)
        old = json.loads(REFERENCE.read_text()) if REFERENCE.exists() and args.only else {}
        old.update(hashes)
        REFERENCE.write_text(json.dumps(old, indent=2, sort_keys=True) + "\n")
        WRITERS.write_text(json.dumps(writer_versions(), indent=2, sort_keys=True) + "\n")
        print(f"recorded {len(hashes)} runs x {len(TABLES)} tables -> {REFERENCE}")
        return 0
    ref = json.loads(REFERENCE.read_text())
    bad = 0
    for name, tables in hashes.items():
        for table, digest in tables.items():
            want = ref.get(name, {}).get(table)
            if digest != want:
                bad += 1
                against = args.against / name if args.against else None
                print(f"DIFF {name}/{table}{explain(out / name, against, table)}")
    total = sum(len(t) for t in hashes.values())
    print(f"{total - bad} of {total} tables byte-identical ({len(hashes)} runs; out: {out})")
    if bad and not args.against and writer_hint():
        print(f"note: {writer_hint()}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
