"""Optional dependencies: the ImportError of a missing one says which extra of dioxide installs it.

Without this, ``from dioxide.sqlalchemy import SQLAlchemyDatabase`` fails with a bare ``No module named
'sqlalchemy'``, and the user has to guess that ``dioxide[sqlalchemy]`` is what they lack.
"""

from __future__ import annotations

import importlib


def missing(framework: str, extra: str) -> ImportError:
    """The error of an entry point whose framework is not installed (2.1's wording)."""
    return ImportError(f"{framework} is not installed. Install it with: pip install dioxide[{extra}]")


def require(module: str, framework: str, extra: str) -> None:
    """Import ``module``, or raise ``missing(framework, extra)`` when it is not installed.

    Only the absence of ``module`` itself (or of one of its parents) is translated: an ImportError raised from
    inside an installed package is a different problem and goes through unchanged.
    """
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name is None or not (module == error.name or module.startswith(f"{error.name}.")):
            raise
        raise missing(framework, extra) from None
