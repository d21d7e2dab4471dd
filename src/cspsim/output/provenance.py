"""What a run's results depend on, as hashes: its tables, its input files, the model's code.

``run.json`` records them (:func:`cspsim.output.rundir.write_results`), and
:mod:`cspsim.output.integrity` compares them when a sweep resumes or a report reads a run:
a table whose SHA-256 does not match was damaged; an input file or model version that
changed makes the run stale. The model version covers the shipped YAML files that become a
run's config (``configs/{city,strategy,sim,params}/*.yaml``): editing a shipped strategy or
the calibrated parameters makes the runs made before stale, as editing the code does.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from cspsim.paths import CITY_DATA_DIR, CONFIG_DIR, PACKAGE_DIR

#: Packages whose versions determine results (a different version may change the tables).
RESULT_PACKAGES = (
    "cspsim",
    "mesa",
    "numpy",
    "scipy",
    "numba",
    "llvmlite",
    "pandas",
    "pyarrow",
    "networkx",
)
#: Packages recorded in ``run.json`` besides those (for the record only).
OTHER_PACKAGES = ("hydra-core",)
#: Source directories of the package whose code determines results.
MODEL_SOURCES = ("config", "city", "model")
#: Config groups whose shipped YAML files become a run's config (``configs/<group>/*.yaml``).
#: Not ``experiment/``, ``hydra/`` or ``config.yaml``'s Hydra settings: they decide which
#: runs a sweep makes, where and how they are launched, never what a run computes (a run's
#: overrides from an experiment are in its recorded config).
RUN_CONFIG_GROUPS = ("city", "strategy", "sim", "params")
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@functools.lru_cache(maxsize=4096)
def _cached_sha256(path: str, mtime_ns: int, size: int) -> str:
    return sha256_file(Path(path))


def sha256_cached(path: Path) -> str:
    """:func:`sha256_file`, computed once per process for a file that did not change.

    A report reads a thousand runs of one city file: the file is hashed once (keyed by
    its path, modification time and size).
    """
    st = os.stat(path)
    return _cached_sha256(str(Path(path).resolve()), st.st_mtime_ns, st.st_size)


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages that determine (or record) results.

    Also ``numpy_simd``, the vector extensions NumPy dispatches to on this machine
    (:func:`numpy_simd`): runs on processors with other extensions may differ in the last
    digits. It is recorded, not part of :func:`model_identity` (a sweep resumed on another
    kind of machine does not redo its runs).
    """
    out = {"python": platform.python_version()}
    for name in (*RESULT_PACKAGES, *OTHER_PACKAGES):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    out["numpy_simd"] = numpy_simd()
    return out


@functools.cache
def numpy_simd() -> str:
    """NumPy's dispatch targets in use here, e.g. ``"X86_V3 X86_V4 AVX512_ICL"``.

    NumPy picks its ``exp``, ``log``, ``log1p`` and ``power`` routines by these, and the
    routines of different targets differ in the last digit (README, Reproducibility).
    ``NPY_DISABLE_CPU_FEATURES`` turns targets off.
    """
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

    return " ".join(t for t in __cpu_dispatch__ if __cpu_features__.get(t))


def config_digest(path: Path) -> str:
    """SHA-256 of a YAML config's content: its data and its ``# @package`` line.

    Comments, blank lines, key order and quoting do not count (a reworded comment in a
    shipped strategy must not make every run stale); a file that is not valid YAML is
    hashed as bytes.
    """
    from omegaconf import OmegaConf

    text = Path(path).read_text(encoding="utf-8")
    try:
        data = OmegaConf.to_container(OmegaConf.create(text), resolve=False)
    except Exception:  # not valid YAML (or not a mapping or list): its bytes
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    package = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("# @package")]
    canonical = json.dumps({"package": package[:1], "data": data}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@functools.cache
def shipped_configs() -> dict[str, str]:
    """``{group/file.yaml: content SHA-256}`` of the shipped run configs.

    The ``*.yaml`` files directly in the :data:`RUN_CONFIG_GROUPS` of the package's own
    config directory (:data:`cspsim.paths.CONFIG_DIR`): nothing generated (``multirun/``,
    ``outputs/`` and ``results/`` lie outside it) and no user file.
    """
    out = {}
    for group in RUN_CONFIG_GROUPS:
        for path in sorted((CONFIG_DIR / group).glob("*.yaml")):
            if path.is_file():
                out[f"{group}/{path.name}"] = config_digest(path)
    return out


@functools.cache
def model_code() -> str:
    """SHA-256 over the model's source, shipped data and shipped run configs.

    The source of the config, city and model layers, the shipped city data and the
    shipped run configs (:func:`shipped_configs`): the model version that decides whether
    a complete run is still current. It changes with any edit of the code or shipped
    configs that determine results (and only then, unlike the git commit, which also
    changes with the docs), and works outside a git checkout. File names are relative (to
    the package, ``conf/`` for configs), so the hash does not depend on where it lies.
    """
    digest = hashlib.sha256()
    files = [p for d in MODEL_SOURCES for p in (PACKAGE_DIR / d).rglob("*.py")]
    files += [p for p in CITY_DATA_DIR.glob("*") if p.is_file()]
    for path in sorted(files):
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
        digest.update(path.read_bytes())
    for name, sha in shipped_configs().items():
        digest.update(f"conf/{name}".encode())
        digest.update(sha.encode())
    return digest.hexdigest()


def clear_caches() -> None:
    """Forget the hashes of code and configs (a process that edits them, e.g. a test)."""
    shipped_configs.cache_clear()
    model_code.cache_clear()


def model_identity() -> dict[str, Any]:
    """What identifies the model that made a run.

    Its code hash (:func:`model_code`), result-determining package versions, and the
    content hash of each shipped run config (``configs``: says which one changed).
    """
    versions = package_versions()
    return {
        "code_sha256": model_code(),
        "packages": {name: versions[name] for name in ("python", *RESULT_PACKAGES)},
        "configs": dict(shipped_configs()),
    }


def _git(*args: str) -> str | None:
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", *args], cwd=here, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


@functools.cache
def git_commit() -> str | None:
    """Commit of the source tree, if it is a git checkout."""
    return _git("rev-parse", "HEAD") or None


@functools.cache
def git_dirty() -> bool | None:
    """Whether the package's tracked files differ from the commit (None outside git)."""
    out = _git("status", "--porcelain", "--untracked-files=no", "--", str(PACKAGE_DIR))
    return None if out is None else bool(out)


def hash_inputs(files: dict[str, Path]) -> dict[str, dict[str, str]]:
    """``{role: {path, sha256}}`` of input files (absolute paths)."""
    return {
        role: {"path": str(Path(p).resolve()), "sha256": sha256_cached(Path(p))}
        for role, p in files.items()
        if Path(p).is_file()
    }
