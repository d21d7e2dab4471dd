"""Strategy components and scenario modifiers: one module each, registered by config key.

Every module of this package is imported here, so a new component only needs its module
(its :func:`~cspsim.model.components.base.register` decorator adds it to the registry).
"""

from __future__ import annotations

import importlib
import pkgutil

from cspsim.model.components.base import (
    REGISTRY,
    Component,
    NoParams,
    components,
    on,
    register,
    registry_version,
    unregister,
)

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name != "base" and not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = [
    "REGISTRY",
    "Component",
    "NoParams",
    "components",
    "on",
    "register",
    "registry_version",
    "unregister",
]
