"""docs/ODD.md must list every model parameter with its current effective default."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from omegaconf import OmegaConf

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"


def _gen_params():
    spec = importlib.util.spec_from_file_location("gen_params", ROOT / "docs" / "gen_params.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _gen_params()


def _table_rows(text: str) -> dict[str, list[str]]:
    """Cells of every table row whose first cell is a backquoted dotted name."""
    rows = {}
    for line in text.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        rows[cells[0].strip("`")] = cells[1:]
    return rows


@pytest.fixture(scope="module")
def odd_rows() -> dict[str, list[str]]:
    return _table_rows(ODD.read_text())


def _param_leaves():
    return [(path, value) for path, _, value in gen.leaves(gen.effective_params(), "params")]


def test_every_model_parameter_documented_with_effective_default(odd_rows):
    leaves = _param_leaves()
    assert len(leaves) > 50
    missing = [path for path, _ in leaves if path not in odd_rows]
    assert not missing, f"not in docs/ODD.md (run docs/gen_params.py): {missing}"
    stale = {
        path: (odd_rows[path][0], gen.fmt(value))
        for path, value in leaves
        if odd_rows[path][0] != gen.fmt(value)
    }
    assert not stale, f"defaults in docs/ODD.md differ (doc, code); run docs/gen_params.py: {stale}"


def test_calibrated_values_win_over_dataclass_defaults(odd_rows):
    calibrated = OmegaConf.to_container(OmegaConf.load(gen.CALIBRATED))
    flat = {}

    def walk(node, prefix):
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}.{key}")
            else:
                flat[f"{prefix}.{key}"] = value

    walk(calibrated, "params")
    assert flat, "configs/params/calibrated.yaml sets nothing"
    for path, value in flat.items():
        assert odd_rows[path][0] == gen.fmt(value), path
        assert odd_rows[path][-1] == "calibrated.yaml", path


def test_a_stale_default_is_detected():
    path, value = _param_leaves()[0]
    good = f"| `{path}` | {gen.fmt(value)} |"
    text = ODD.read_text()
    assert good in text
    rows = _table_rows(text.replace(good, f"| `{path}` | {gen.fmt(value)}0 |"))
    assert rows[path][0] != gen.fmt(value)


def test_every_parameter_has_unit_and_source():
    for path, field, _ in gen.leaves(gen.effective_params(), "params"):
        assert field.metadata.get("unit"), f"{path}: no unit metadata"
        assert field.metadata.get("source"), f"{path}: no source metadata"


def test_every_named_strategy_is_described():
    text = ODD.read_text()
    names = sorted(p.stem for p in (ROOT / "configs" / "strategy").glob("*.yaml"))
    assert "reactive" in names
    missing = [n for n in names if f"`{n}`" not in text]
    assert not missing, f"strategies not mentioned in docs/ODD.md: {missing}"


def test_every_strategy_component_documented(odd_rows):
    leaves = gen.leaves(gen.default_config().strategy, "strategy")
    missing = [path for path, _, _ in leaves if path not in odd_rows]
    assert not missing, f"strategy parameters not in docs/ODD.md: {missing}"


def test_generated_tables_are_current():
    text = ODD.read_text()
    assert gen.render(text) == text, "docs/ODD.md is stale: run .venv/bin/python docs/gen_params.py"


def test_architecture_tables_are_current():
    path = ROOT / "docs" / "architecture.md"
    text = path.read_text()
    assert gen.render(text, gen.ARCH_TABLES, path) == text, "run docs/gen_params.py"


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_code_path_and_link_in_the_docs_resolves(doc):
    """Paths to source files and relative links in the docs point at files that exist."""
    text = doc.read_text()
    missing = []
    for path in re.findall(
        r"`?((?:src|tests|benchmarks|docs|configs|tools)/[\w./-]+\.\w+)`?", text
    ):
        if not (ROOT / path).exists():
            missing.append(path)
    for link in re.findall(r"\]\(([\w./-]+\.(?:md|png|py|yaml))\)", text):
        if not (doc.parent / link).exists():
            missing.append(link)
    assert not missing, f"{doc.name} refers to missing files: {sorted(set(missing))}"
