"""What is known about each mechanism parameter: its kind, plausible range and the studies cited.

Read from the declarations in :mod:`cspsim.config.params` (:func:`cspsim.config.declare.p`),
never typed twice: the validation labels its facts from them (a fact is *fitted* when a
fitted parameter names it as a target, a *calibrated echo* when a parameter it depends on
cites one of the fact's own studies) and the uncertainty ensemble draws the sourced and
assumed parameters from their ranges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from cspsim.config.declare import KINDS, leaves
from cspsim.config.params import ModelParams

#: Capitalized words that name a data series or a qualifier, not an author.
NOT_AUTHORS = frozenset(
    {
        "US",
        "BJS",
        "SF",
        "FBI",
        "UCR",
        "Chicago",
        "Census",
        "Bureau",
        "Denver",
        "Heller's",
        "NYC",
    }
)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_WORD = re.compile(r"[A-Z][A-Za-zÀ-ÿ'\-]+")


def citations(source: str) -> tuple[str, ...]:
    """Studies a source text cites, as ``FirstAuthorYear`` keys (``"Bennett2008"``).

    The text is cut at ``;``, ``(``, ``)`` and ``:``; in each piece every year is credited to
    the first capitalized word before it that is not a data series (``US``, ``BJS``, ...).
    ``"Bennett, Holloway & Farrington 2008: -16% to -26%"`` gives ``("Bennett2008",)``;
    ``"US NCVS 2022-23"`` gives ``("NCVS2022",)``.

    Args:
        source: A parameter's or a fact's source text.

    Returns:
        The keys in order of appearance, without repeats.
    """
    keys: list[str] = []
    for piece in re.split(r"[;():]", source):
        for match in _YEAR.finditer(piece):
            words = [w for w in _WORD.findall(piece[: match.start()]) if w not in NOT_AUTHORS]
            if words:
                key = f"{words[0]}{match.group(1)}"
                if key not in keys:
                    keys.append(key)
    return tuple(keys)


@dataclass(frozen=True)
class Declared:
    """One mechanism parameter as declared.

    Attributes:
        path: Dotted config path (``params.crime.police_deterrence``).
        default: The declaration's default (a number or a list).
        kind: ``sourced``, ``fitted``, ``assumed`` or None (not yet classified).
        low: Lower end of the plausible range (a list for list-valued parameters), or None.
        high: Upper end of the plausible range, or None.
        source: The source text.
        unit: Unit or scale.
        targets: Calibration targets of a fitted parameter.
        studies: Studies the source cites (:func:`citations`).
    """

    path: str
    default: Any
    kind: str | None
    low: Any
    high: Any
    source: str
    unit: str
    targets: tuple[str, ...]
    studies: tuple[str, ...]

    @property
    def key(self) -> str:
        """The path under ``params`` (``crime.police_deterrence``)."""
        return self.path.removeprefix("params.")

    @property
    def has_range(self) -> bool:
        """Whether a plausible range is declared."""
        return self.low is not None


@cache
def declarations() -> tuple[Declared, ...]:
    """Every mechanism parameter's declaration, in schema order."""
    out = []
    for path, f, value in leaves(ModelParams(), "params"):
        meta = f.metadata
        low, high = meta.get("range", (None, None))
        source = str(meta.get("source", ""))
        out.append(
            Declared(
                path=path,
                default=value,
                kind=meta.get("kind"),
                low=low,
                high=high,
                source=source,
                unit=str(meta.get("unit", "")),
                targets=tuple(meta.get("targets", ())),
                studies=citations(source),
            )
        )
    return tuple(out)


def by_key() -> dict[str, Declared]:
    """Declarations by their path under ``params`` (``crime.police_deterrence``)."""
    return {d.key: d for d in declarations()}


def uncertain(kinds: tuple[str, ...] = ("sourced", "assumed")) -> list[Declared]:
    """Parameters of the given kinds that declare a plausible range (what an ensemble draws)."""
    bad = set(kinds) - set(KINDS)
    if bad:
        raise ValueError(f"kinds: expected a subset of {KINDS}, got {sorted(bad)}")
    return [d for d in declarations() if d.kind in kinds and d.has_range]


#: The data the shipped cities are built from, declared like parameters so that a fact
#: measured against the same data is known to echo it (``city.<name>`` in a fact's
#: ``depends``). San Francisco's opportunity per place is set from its observed counts;
#: Columbus is built from income and housing value only (CRIME is held out).
CITY_INPUTS: dict[str, Declared] = {
    name: Declared(
        path=f"city.{name}",
        default=None,
        kind="sourced",
        low=None,
        high=None,
        source=source,
        unit="data",
        targets=(),
        studies=citations(source),
    )
    for name, source in {
        "sf2012": "SFPD 2012 incidents by block group via GeoDa: opportunity of each place by "
        "type is set from its observed counts",
        "columbus": "Columbus 1980 neighbourhoods via GeoDa: income (INC) and housing value "
        "(HOVAL) only; the CRIME column is held out",
    }.items()
}


def declared(path: str) -> Declared:
    """The declaration behind a dependency.

    Args:
        path: A parameter path under ``params`` (``crime.police_deterrence``) or a city
            input (``city.<name>``). Strategy settings are the validation's to resolve (the
            components live in the model layer, above this one).

    Raises:
        KeyError: Nothing is declared under that path.
    """
    if path.startswith("city."):
        if path.removeprefix("city.") not in CITY_INPUTS:
            raise KeyError(f"{path}: expected one of {sorted(CITY_INPUTS)} after 'city.'")
        return CITY_INPUTS[path.removeprefix("city.")]
    table = by_key()
    if path not in table:
        raise KeyError(f"{path}: not a mechanism parameter (see docs/ODD.md, 7.12)")
    return table[path]


def fitted_targets() -> dict[str, tuple[str, ...]]:
    """Calibration target -> the fitted parameters that name it."""
    out: dict[str, list[str]] = {}
    for d in declarations():
        for t in d.targets:
            out.setdefault(t, []).append(d.key)
    return {k: tuple(v) for k, v in out.items()}
