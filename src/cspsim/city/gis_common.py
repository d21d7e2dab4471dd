"""Shared pieces of the ``city=gis`` build: input paths, the build log and the progress bar."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

from tqdm import tqdm

from cspsim.errors import CityDataError

log = logging.getLogger("cspsim.city")

#: Prefix of a path inside an installed package: ``pkg://libpysal/examples/stl/stl_hom.shp``.
PKG_SCHEME = "pkg://"
#: Files beside a shapefile that belong to it (hashed with it for the cache key).
SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")
#: Share of incidents above which missing or outside coordinates are an error, not a warning.
MOST = 0.5


def resolve_path(value: str, setting: str) -> Path:
    """Turn a ``city.*`` path setting into an existing path.

    Args:
        value: A file path (``~`` expanded, relative to the working directory) or
            ``pkg://PACKAGE/PATH`` for a file shipped inside an installed package.
        setting: The setting's name, quoted in messages (e.g. ``areas``).

    Raises:
        CityDataError: The package is not installed or the file does not exist.
    """
    if value.startswith(PKG_SCHEME):
        package, _, inner = value[len(PKG_SCHEME) :].partition("/")
        try:
            root = files(package)
        except ModuleNotFoundError:
            raise CityDataError(
                f"city.{setting}={value!r}: package {package!r} is not installed"
            ) from None
        path = Path(str(root.joinpath(inner)))
        if not path.exists():
            raise CityDataError(
                f"city.{setting}={value!r}: the package {package!r} has no file {inner!r} "
                f"(looked in '{path}')"
            )
        return path
    path = Path(value).expanduser()
    if not path.exists():
        raise CityDataError(f"{value}: file not found (resolved to '{path.resolve()}')")
    return path


def related_files(path: Path) -> list[Path]:
    """Every file whose bytes make up a data source (a shapefile's sidecars, a directory)."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    if path.suffix.lower() != ".shp":
        return [path]
    found = [path]
    for sibling in sorted(path.parent.iterdir()):
        if sibling.stem == path.stem and sibling.suffix.lower() in SHAPEFILE_SIDECARS:
            found.append(sibling)
    return found


class BuildLog:
    """Messages of one build, logged as they happen and kept for the cache to replay."""

    def __init__(self, messages: list[tuple[int, str]] | None = None) -> None:
        self.messages: list[tuple[int, str]] = list(messages or [])

    def info(self, message: str) -> None:
        """Log and keep an informational message."""
        self._emit(logging.INFO, message)

    def warning(self, message: str) -> None:
        """Log and keep a warning (data that was repaired, dropped or assumed)."""
        self._emit(logging.WARNING, message)

    def _emit(self, level: int, message: str) -> None:
        log.log(level, "%s", message)
        self.messages.append((level, message))

    def replay(self, prefix: str) -> None:
        """Log the kept messages again (a cached build says what its data held)."""
        for level, message in self.messages:
            log.log(level, "%s%s", prefix, message)


class Progress:
    """A progress bar over the build stages, shown on a terminal or when asked.

    Args:
        stages: Number of stages the build will run.
        enabled: ``True``/``False`` to force the bar on/off; ``None``: only when standard
            error is a terminal (so logs and CI output stay clean).
    """

    def __init__(self, stages: int, enabled: bool | None = None) -> None:
        show = sys.stderr.isatty() if enabled is None else bool(enabled)
        self.bar = tqdm(
            total=stages, desc="city=gis", unit="stage", disable=not show, file=sys.stderr
        )
        self.seconds: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Run one stage under the bar, timing it."""
        self.bar.set_description(f"city=gis: {name}")
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        self.bar.update(1)

    def close(self) -> None:
        """Close the bar and log the stage timings (debug level)."""
        self.bar.close()
        log.debug(
            "city=gis build stages: %s",
            ", ".join(f"{k} {v:.2f}s" for k, v in self.seconds.items()),
        )
