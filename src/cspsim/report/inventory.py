"""The report's inventory: what was counted, and every run that was not, with why."""

from __future__ import annotations

from cspsim.analysis.runs import RunSet
from cspsim.report.document import Document

#: Entries listed per kind of run (the rest are counted).
MAX_LISTED = 50


def _listed(entries: list[str]) -> list[str]:
    more = len(entries) - MAX_LISTED
    return entries[:MAX_LISTED] + ([f"... and {more} more"] if more > 0 else [])


def summary_lines(rs: RunSet) -> list[str]:
    """One line per kind of run found: counted, failed, damaged, stale, missing, ..."""
    n = len(rs.runs)
    lines = [f"{n} complete run(s) counted, each once."]
    if rs.manifest:
        lines.append(f"{len(rs.manifest.get('jobs', []))} run(s) expected by the sweep manifest.")
    counts = (
        (rs.failed, "**{} failed** (errors below; not counted)."),
        (rs.damaged, "**{} damaged** (a table or run.json changed or truncated; not counted)."),
        (rs.stale, "**{} stale** (input files or model changed since; not counted)."),
        (rs.other_config, "**{} of another config** (not overwritten, not counted)."),
        (rs.missing, "**{} missing** (never started or killed before writing)."),
        (rs.incomplete, "**{} incomplete** (killed or still running; not counted)."),
        (
            rs.reused_stale,
            "{} stale run(s) kept with `hydra.sweeper.reuse_stale=true` or "
            "`CSPSIM_REUSE_STALE=1` (counted; listed below).",
        ),
        (rs.duplicates, "{} duplicate(s) of a counted config (not counted)."),
        (rs.unlisted, "{} run(s) from an earlier sweep in this directory (ignored)."),
    )
    lines += [text.format(len(items)) for items, text in counts if items]
    if rs.stale or rs.damaged:
        lines.append(
            "Running the same command again redoes damaged and stale runs (the replaced "
            "files are kept in each run's `.previous/`); `hydra.sweeper.reuse_stale=true` "
            "keeps stale ones instead."
        )
    commits = {str(m.get("git_commit")) for m in rs.runs["meta"]} if n else set()
    if len(commits) > 1:
        lines.append(
            f"Runs from {len(commits)} git commits (the model code they ran is the same: "
            "runs of another model version are stale)."
        )
    return lines


def inventory(doc: Document, rs: RunSet) -> None:
    """What was counted and what was not, with the errors of failed, damaged, stale runs."""
    doc.h2("Runs")
    doc.items(summary_lines(rs))
    for title, entries in (
        ("Failed runs", [f"`{k}`: {v}" for k, v in rs.failed.items()]),
        ("Damaged runs", [f"`{k}`: {v}" for k, v in rs.damaged.items()]),
        ("Stale runs", [f"`{k}`: {v}" for k, v in rs.stale.items()]),
        (
            "Stale runs kept (`hydra.sweeper.reuse_stale` / `CSPSIM_REUSE_STALE`)",
            [f"`{k}`: {v}" for k, v in rs.reused_stale.items()],
        ),
        ("Runs of another config", [f"`{k}`: {v}" for k, v in rs.other_config.items()]),
        ("Missing runs", [f"`{k}`" for k in rs.missing]),
        ("Incomplete runs", [f"`{k}`" for k in rs.incomplete]),
    ):
        if entries:
            doc.h3(title)
            doc.items(_listed(entries))
