"""Constructor parameters read from the code object agree with ``inspect.signature``, shape by shape.

The fast path must list what ``inspect.signature(cls)`` lists (names, kinds, defaults, raw annotations), and
leave to it every class where the code object of ``__init__`` is not the whole story.
"""

from __future__ import annotations

import abc
import dataclasses
import enum
import functools
import inspect
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

import pytest

from dioxide._plan import signatures
from dioxide._plan.signatures import RawParameter

T = TypeVar("T")


class Dependency:
    pass


class Plain:
    def __init__(self, a: Dependency, b: int = 3, *, c: str = "x", d: Dependency) -> None:
        pass


class PositionalOnly:
    def __init__(self, a: Dependency, /, b: Dependency | None = None) -> None:
        pass


class Variadic:
    def __init__(self, a: Dependency, *args: Any, b: int, **kwargs: Any) -> None:
        pass


class Unannotated:
    def __init__(self, a, b=1):  # type: ignore[no-untyped-def]
        pass


class Inherited(Plain):
    pass


class NoInit:
    pass


class Abstract(abc.ABC):
    def __init__(self, a: Dependency) -> None:
        self.a = a

    @abc.abstractmethod
    def run(self) -> None: ...


class Concrete(Abstract):
    def run(self) -> None:
        pass


class Box(Generic[T]):
    def __init__(self, item: Dependency) -> None:
        pass


class Port(Protocol):
    def run(self) -> None: ...


class Implementation(Port):
    def __init__(self, a: Dependency) -> None:
        pass

    def run(self) -> None:
        pass


class ProtocolChild(Port):
    def run(self) -> None:
        pass


@dataclasses.dataclass
class Data:
    a: Dependency
    b: int = 2
    c: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(slots=True, kw_only=True)
class KeywordData:
    a: Dependency


class DefaultSelf:
    def __init__(self=None, a: Dependency | None = None) -> None:  # type: ignore[no-untyped-def]
        pass


PLAIN_SHAPES = [
    Plain,
    PositionalOnly,
    Variadic,
    Unannotated,
    Inherited,
    NoInit,
    Concrete,
    Box,
    Implementation,
    ProtocolChild,
    Data,
    KeywordData,
    DefaultSelf,
]


def from_inspect(cls: type) -> list[RawParameter]:
    return signatures.signature_parameters(inspect.signature(cls))


@pytest.mark.parametrize("cls", PLAIN_SHAPES, ids=lambda cls: cls.__name__)
def it_reads_plain_classes_from_the_code_object_as_inspect_does(cls: type) -> None:
    assert signatures._read_plain(cls) is not None  # the fast path is taken
    assert signatures.constructor_parameters(cls) == from_inspect(cls)


class WithNew:
    def __new__(cls, a: Dependency) -> WithNew:
        return super().__new__(cls)


class Meta(type):
    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return super().__call__(*args, **kwargs)


class WithMetaCall(metaclass=Meta):
    def __init__(self, a: Dependency) -> None:
        pass


class Declared:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass


Declared.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [inspect.Parameter("a", inspect.Parameter.KEYWORD_ONLY, annotation=Dependency)]
)


def logged(init: Any) -> Any:
    @functools.wraps(init)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        init(*args, **kwargs)

    return wrapper


class Wrapped:
    @logged
    def __init__(self, a: Dependency) -> None:
        pass


class Pair(NamedTuple):
    a: int
    b: Dependency


class Colour(enum.Enum):
    RED = 1


class StarSelf:
    def __init__(*args: Any) -> None:
        pass


class BuiltinBase(dict[str, int]):
    pass


OTHER_SHAPES = [WithNew, WithMetaCall, Declared, Wrapped, Pair, Colour, StarSelf]


@pytest.mark.parametrize("cls", OTHER_SHAPES, ids=lambda cls: cls.__name__)
def it_leaves_every_other_class_to_inspect(cls: type) -> None:
    assert signatures._read_plain(cls) is None
    assert signatures.constructor_parameters(cls) == from_inspect(cls)


def it_raises_as_inspect_does_for_a_class_it_cannot_read() -> None:
    assert signatures._read_plain(BuiltinBase) is None
    with pytest.raises(ValueError, match="no signature found for builtin type"):
        signatures.constructor_parameters(BuiltinBase)


def it_keeps_string_annotations_unevaluated() -> None:
    class Late:
        def __init__(self, a: Missing) -> None:  # type: ignore[name-defined]  # noqa: F821
            pass

    assert signatures.constructor_parameters(Late) == [
        RawParameter("a", inspect.Parameter.POSITIONAL_OR_KEYWORD, signatures.EMPTY, "Missing")
    ]
