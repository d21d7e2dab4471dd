"""Generate the tables of ``docs/ODD.md`` and ``docs/architecture.md`` from the code.

Four tables are written between marker comments, leaving the rest of the page alone:

* ``params``: every leaf of :class:`cspsim.config.ModelParams` with its *effective* default
  (the dataclass default overridden by ``configs/params/calibrated.yaml``), kind (sourced,
  fitted to named targets, assumed), plausible range, unit and source (the field metadata);
* ``strategy``: every setting of the registered strategy components (a new component's
  settings appear without editing this script) with default, unit, allowed values and
  meaning from the declaration;
* ``strategies``: the named strategies in ``configs/strategy`` with their header comment and
  the settings they change;
* ``sim``: the ``sim`` group and the scenario modifiers;
* ``schedule``: the stages of a day with their core steps and component hooks.

``docs/architecture.md`` gets the schedule, the queries and the registered components.

Usage::

    .venv/bin/python docs/gen_params.py          # rewrite the tables in docs/ODD.md
    .venv/bin/python docs/gen_params.py --check  # exit 1 if docs/ODD.md is out of date
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from pathlib import Path
from typing import Any

from omegaconf import OmegaConf

from cspsim.config import ModelParams, SimConfig
from cspsim.model import default_config
from cspsim.model.components import components
from cspsim.model.schedule import QUERIES, class_hooks, plan_table

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
CONFIGS = ROOT / "configs"
CALIBRATED = CONFIGS / "params" / "calibrated.yaml"


def fmt(value: Any) -> str:
    """Format a default for the tables (the test compares against this exact text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"`{value}`" if value else '`""`'
    return str(value)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("``", "`").replace("|", "\\|")


def leaves(obj: Any, prefix: str) -> list[tuple[str, dataclasses.Field, Any]]:
    """``(dotted path, field, value)`` of every non-dataclass field of a dataclass instance."""
    out = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out += leaves(value, f"{prefix}.{f.name}")
        else:
            out.append((f"{prefix}.{f.name}", f, value))
    return out


def attribute_docs(cls: type) -> dict[str, str]:
    """Descriptions of a dataclass's fields from the ``Attributes:`` section of its docstring."""
    doc = cls.__doc__ or ""
    if "Attributes:" not in doc:
        return {}
    section = doc.split("Attributes:", 1)[1]
    docs: dict[str, str] = {}
    current = None
    for line in section.splitlines():
        m = re.match(r"^\s{4,8}(\w+):\s*(.*)$", line)
        if m and (len(line) - len(line.lstrip())) <= 8:
            current = m.group(1)
            docs[current] = m.group(2).strip()
        elif current and line.strip():
            docs[current] += " " + line.strip()
    return docs


def field_description(owner: Any, name: str) -> str:
    """Description of field ``name`` of dataclass instance ``owner``.

    Settings declared with :func:`cspsim.config.declare.setting` carry it (``doc``); other
    fields are described in their class docstring's ``Attributes:`` section.
    """
    for f in dataclasses.fields(owner):
        if f.name == name and f.metadata.get("doc"):
            return f.metadata["doc"]
    docs = attribute_docs(type(owner))
    if name in docs:
        return docs[name]
    return (type(owner).__doc__ or "").strip().splitlines()[0]


def allowed(f: dataclasses.Field) -> str:
    """The declared range or choices of a setting, for the tables."""
    meta = f.metadata
    if "choices" in meta:
        return ", ".join(f"`{c}`" for c in meta["choices"])
    low = meta.get("low", meta.get("low_open"))
    high = meta.get("high", meta.get("high_open"))
    left = "(" if "low_open" in meta else "["
    right = ")" if "high_open" in meta else "]"
    if low is None and high is None:
        return ""
    lo = fmt(low) if low is not None else "-inf"
    hi = fmt(high) if high is not None else "inf"
    return f"{left}{lo}, {hi}{right}"


def effective_params() -> ModelParams:
    """ModelParams defaults overridden by ``configs/params/calibrated.yaml``."""
    merged = OmegaConf.merge(OmegaConf.structured(ModelParams), OmegaConf.load(CALIBRATED))
    return OmegaConf.to_object(merged)


def calibrated_keys() -> set[str]:
    """Dotted ``params.*`` paths set in ``calibrated.yaml``."""
    cfg = OmegaConf.to_container(OmegaConf.load(CALIBRATED))

    def walk(node: Any, prefix: str) -> list[str]:
        if isinstance(node, dict):
            return [k for key, v in node.items() for k in walk(v, f"{prefix}.{key}")]
        return [prefix]

    return set(walk(cfg or {}, "params"))


def _range(meta: dict) -> str:
    """The declared plausible range of a parameter, for the tables."""
    if "range" not in meta:
        return ""
    low, high = meta["range"]
    return f"{fmt(low)} to {fmt(high)}"


def params_table() -> str:
    """Table of every model parameter: effective default, kind, range, unit, source."""
    eff = effective_params()
    cal = calibrated_keys()
    rows = [
        "| parameter | default | kind | plausible range | unit | source | set in |",
        "|---|---|---|---|---|---|---|",
    ]
    for path, f, value in leaves(eff, "params"):
        where = "calibrated.yaml" if path in cal else "dataclass"
        meta = f.metadata
        kind = meta.get("kind", "")
        if meta.get("targets"):
            kind += " to " + ", ".join(f"`{t}`" for t in meta["targets"])
        rows.append(
            f"| `{path}` | {fmt(value)} | {kind} | {_range(meta)} | {_cell(meta.get('unit', ''))} "
            f"| {_cell(meta.get('source', ''))} | {where} |"
        )
    return "\n".join(rows)


def _owner(root: Any, path: str) -> Any:
    obj = root
    for part in path.split(".")[1:-1]:
        obj = getattr(obj, part)
    return obj


def settings_rows(root: Any, prefix: str) -> list[str]:
    """Rows of a settings table: path, default, unit, allowed values, meaning."""
    rows = []
    for path, f, value in leaves(root, prefix):
        desc = field_description(_owner(root, path), f.name)
        unit = f.metadata.get("unit", "")
        rows.append(f"| `{path}` | {fmt(value)} | {_cell(unit)} | {allowed(f)} | {_cell(desc)} |")
    return rows


def strategy_table() -> str:
    """Table of the strategy components' settings (from the registered components)."""
    head = ["| setting | default | unit | allowed | meaning |", "|---|---|---|---|---|"]
    return "\n".join(head + settings_rows(default_config().strategy, "strategy"))


def _flatten(node: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [kv for k, v in node.items() for kv in _flatten(v, f"{prefix}{k}.")]
    return [(prefix[:-1], node)]


def strategies_table() -> str:
    """Table of the named strategies in ``configs/strategy`` and what they set."""
    rows = ["| strategy | what it is | settings (all others at their defaults) |", "|---|---|---|"]
    files = sorted((CONFIGS / "strategy").glob("*.yaml"))
    files.sort(key=lambda p: p.stem != "reactive")
    for path in files:
        text = path.read_text()
        comment = " ".join(
            line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")
        )
        data = OmegaConf.to_container(OmegaConf.load(path)) or {}
        settings = [f"`{k}={fmt(v).strip('`')}`" for k, v in _flatten(data) if k != "name"]
        rows.append(
            f"| `{path.stem}` | {_cell(comment)} | {', '.join(settings) or '(none: baseline)'} |"
        )
    return "\n".join(rows)


def sim_table() -> str:
    """Table of the ``sim`` group and the scenario modifiers."""
    head = ["| setting | default | unit | allowed | meaning |", "|---|---|---|---|---|"]
    rows = settings_rows(SimConfig(), "sim")
    rows += settings_rows(default_config().modifiers, "modifiers")
    return "\n".join(head + rows)


def schedule_table() -> str:
    """The stages of a day in order, with the core step and the components' hooks."""
    plan = plan_table(class_hooks(components()))
    rows = ["| # | stage | what happens | core step | component hooks (in order) |"]
    rows.append("|---|---|---|---|---|")
    for i, (stage, group) in enumerate(plan.groupby("stage", sort=False), start=1):
        core = group[group["owner"] == "model"]["step"].tolist()
        hooks = [
            f"`{r.owner}.{r.step}`" for r in group.itertuples() if r.owner not in ("model", "-")
        ]
        what = group["what"].iloc[0]
        core_cell = f"`{core[0]}`" if core else ""
        rows.append(f"| {i} | `{stage}` | {what} | {core_cell} | {', '.join(hooks)} |")
    return "\n".join(rows)


def queries_table() -> str:
    """The questions the core asks the components, and who answers them."""
    hooks = class_hooks(components())
    rows = ["| query | answers combine as | what | answered by |", "|---|---|---|---|"]
    for name, how, what in QUERIES:
        who = ", ".join(f"`{h.owner}.{h.fn.__name__}`" for h in hooks.get(name, []))
        rows.append(f"| `{name}` | {how} | {what} | {who} |")
    return "\n".join(rows)


def components_table() -> str:
    """The registered components: config key, what it is, settings, measures."""
    rows = ["| config key | what it is | settings | own measures |", "|---|---|---|---|"]
    for cls in components():
        doc = (sys.modules[cls.__module__].__doc__ or "").strip().splitlines()[0]
        settings = ", ".join(f"`{f.name}`" for f in dataclasses.fields(cls.Params))
        measures = ", ".join(f"`{m.name}`" for m in cls.measures) or "-"
        rows.append(f"| `{cls.group}.{cls.key}` | {_cell(doc)} | {settings} | {measures} |")
    return "\n".join(rows)


TABLES = {
    "params": params_table,
    "strategy": strategy_table,
    "strategies": strategies_table,
    "sim": sim_table,
    "schedule": schedule_table,
}
#: Tables of docs/architecture.md.
ARCH_TABLES = {
    "schedule": schedule_table,
    "queries": queries_table,
    "components": components_table,
}


def render(text: str, tables: dict | None = None, path: Path = ODD) -> str:
    """Replace the content between every ``<!-- name:start -->``/``<!-- name:end -->`` pair."""
    for name, make in (TABLES if tables is None else tables).items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        if start not in text or end not in text:
            raise SystemExit(f"{path}: markers {start} / {end} not found")
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{start}\n{make()}\n{end}{tail}"
    return text


def main(argv: list[str] | None = None) -> int:
    """Rewrite the tables (or with ``--check`` report whether they are current)."""
    ap = argparse.ArgumentParser(description="Generate the parameter tables of docs/ODD.md.")
    ap.add_argument("--check", action="store_true", help="exit 1 if docs/ODD.md is stale")
    args = ap.parse_args(argv)
    stale = 0
    for path, tables in ((ODD, TABLES), (ARCHITECTURE, ARCH_TABLES)):
        old = path.read_text()
        new = render(old, tables, path)
        if args.check:
            if new != old:
                print(f"{path} is out of date: run {Path(__file__).name}", file=sys.stderr)
                stale = 1
            else:
                print(f"{path} is up to date")
        elif new != old:
            path.write_text(new)
            print(f"updated {path}")
        else:
            print(f"{path} already up to date")
    return stale


if __name__ == "__main__":
    raise SystemExit(main())
