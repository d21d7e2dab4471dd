"""README.md's table of output columns is generated from the declarations and kept current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cspsim.model import measures
from cspsim.model.measures import CATALOG, Outcome

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _gen_columns():
    spec = importlib.util.spec_from_file_location("gen_columns", ROOT / "docs" / "gen_columns.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _gen_columns()


def test_readme_columns_table_is_current():
    text = README.read_text(encoding="utf-8")
    assert gen.render(text) == text, "README.md is stale: run .venv/bin/python docs/gen_columns.py"


def test_every_declared_column_and_outcome_is_in_the_readme():
    block = README.read_text(encoding="utf-8").split(gen.START)[1].split(gen.END)[0]
    for table, declared in CATALOG.items():
        for m in declared:
            assert f"| `{m.name}` | {m.dtype} |" in block, f"{table}.{m.name}"
    for o in measures.OUTCOMES:
        assert f"| `{o.name}` |" in block, o.name


def test_a_new_declaration_makes_the_readme_stale(monkeypatch, tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    assert gen.main(["--check", "--readme", str(readme)]) == 0
    extra = Outcome("patrol_per_day", "Patrol on the street", "officer-hours/day", "patrol_hours")
    monkeypatch.setattr(measures, "OUTCOMES", (*measures.OUTCOMES, extra))
    assert gen.main(["--check", "--readme", str(readme)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert gen.main(["--readme", str(readme)]) == 0  # regenerate
    assert "| `patrol_per_day` |" in readme.read_text(encoding="utf-8")
    assert gen.main(["--check", "--readme", str(readme)]) == 0


def test_markers_are_required(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        gen.main(["--check", "--readme", str(readme)])
