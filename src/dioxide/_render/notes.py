"""The note telling which resolution an exception raised by user code escaped from.

A constructor's own exception reaches the caller as itself; dioxide only adds one note, e.g.
``dioxide: raised while resolving Checkout -> Gateway (profile 'test')``, extended (never repeated) as the
exception passes through the providers of the components that depend on the one that failed.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from dioxide._plan.bindings import SharedKey, key_name
from dioxide._plan.plan import Plan
from dioxide.exceptions import ResolutionError

NOTE_PREFIX = "dioxide: raised while resolving "
CHAIN_ATTRIBUTE = "__dioxide_chain__"


def note_resolution(error: BaseException, key: Hashable, plan: Plan) -> None:
    """Tell, as a note on ``error``, the chain from ``key`` to the component whose code raised it."""
    if isinstance(error, ResolutionError):
        return
    chain: list[Hashable] | None = getattr(error, CHAIN_ATTRIBUTE, None)
    if chain:
        if chain[0] == key:
            return
        path = plan.path(key, chain[0]) or [key, chain[0]]
        full = path[:-1] + chain
    else:
        full = plan.origin_of(error.__traceback__, key)
    add_resolution_note(error, full, plan.profile)


def add_resolution_note(error: BaseException, chain: Sequence[Hashable], profile: str | None) -> None:
    """Attach (or extend) the note telling which resolution an exception escaped from."""
    names = [key_name(k) for k in chain if not isinstance(k, SharedKey)]
    setattr(error, CHAIN_ATTRIBUTE, list(chain))
    text = f"{NOTE_PREFIX}{' -> '.join(names)} (profile '{profile or 'none'}')"
    notes: list[str] = getattr(error, "__notes__", [])
    for index, note in enumerate(notes):
        if note.startswith(NOTE_PREFIX):
            notes[index] = text
            return
    error.add_note(text)


__all__ = ["NOTE_PREFIX", "add_resolution_note", "note_resolution"]
