"""Output directories given by the user (``--out``, ``hydra.run.dir``, ``hydra.sweep.dir``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cspsim.errors import ConfigError


class OutputDirRefused(ConfigError):
    """An output directory setting names a file, a path under a file, or one not creatable."""


def out_dir(text: str) -> Path:
    """``--out`` as an argparse type: a path, never empty (``Path("")`` is the current one)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "expected a directory, got an empty path (write '.' for the current directory)"
        )
    return Path(text)


def make_output_dir(path: Path, setting: str) -> Path:
    """Create ``path`` (and its parents) as a directory, or say which setting is wrong.

    Commands call it before any work, so a bad ``--out`` fails at once, not after the runs.

    Args:
        path: The directory.
        setting: The option or config key it comes from (named in the error).

    Returns:
        ``path``.

    Raises:
        OutputDirRefused: ``path`` is a file, lies under a file, or cannot be created.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        reason = "exists and is not a directory"
    except NotADirectoryError:
        reason = "lies under a file, not a directory"
    except OSError as exc:
        reason = f"cannot be created ({exc.strerror or exc})"
    else:
        return path
    raise OutputDirRefused(
        f"{setting}: '{path}' {reason}; give a directory for the outputs "
        "(a new path or an existing directory you can write)"
    )
