"""Where 2.x kept strict mode's detector; its own tests import these two names from here."""

from dioxide._source.strict import SideEffectFinding, detect_side_effects

__all__ = ["SideEffectFinding", "detect_side_effects"]
