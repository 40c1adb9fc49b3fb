"""Strict scanning: warn about module-level calls that run as a side effect of ``scan()`` importing a module.

``scan(package=..., strict=True)`` reads each module's source *before* importing it; the check is
static (``ast``), so it never runs the code it warns about. It only warns: the module is still imported.

* One finding per module-level expression statement or (annotated, augmented) assignment holding a
  call that is not on the allow-list, nested and chained calls included, named by its outermost
  offending call: the fix, moving the statement, is the same however many calls it holds.
* Module-level ``if``/``try``/``with``/loop/``match`` bodies run on import, so they are inspected.
  Function and class bodies, decorators, defaults, annotations, lambda bodies, compound-statement
  headers and the bodies of ``if __name__ == "__main__":`` and ``if TYPE_CHECKING:`` are not.
* The allow-list holds calls that only build a value (``logging.getLogger``, ``os.environ.get``,
  ``os.path.*``, ``Path``, ``TypeVar``, ``namedtuple``, ``dataclass``, the functional ``Enum`` API,
  builtin constructors...). Names are resolved through the module's imports, so a ``Path`` imported
  from elsewhere, or a local function named ``dict``, is reported. A pure ``str``/path method called
  on a literal or an allowed call (``Path(__file__).resolve().parent``) is allowed too.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass

from dioxide._source.names import Bindings, dotted_name, executed_blocks, is_type_checking_guard

__all__ = ["SideEffectFinding", "detect_side_effects", "side_effect_messages"]

SUGGESTION = "Move to a function, @lifecycle initialize(), or if __name__ == '__main__' block"

_ALLOWED_QUALIFIED = frozenset(
    {
        "logging.getLogger",
        "os.getenv",
        "os.environ.get",
        "os.environ.setdefault",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PurePosixPath",
        "pathlib.PureWindowsPath",
        "collections.namedtuple",
        "dataclasses.dataclass",
        "enum.Enum",
        "enum.IntEnum",
        "enum.StrEnum",
        "enum.Flag",
        "enum.IntFlag",
        "abc.abstractmethod",
        *(
            f"{module}.{name}"
            for module in ("typing", "typing_extensions")
            for name in ("TypeVar", "ParamSpec", "TypeVarTuple", "NewType", "NamedTuple", "TypedDict")
        ),
    }
)
_ALLOWED_PREFIXES = ("os.path.",)
_ALLOWED_BUILTINS = frozenset(
    {
        "bool",
        "bytearray",
        "bytes",
        "complex",
        "dict",
        "float",
        "frozenset",
        "int",
        "list",
        "object",
        "range",
        "set",
        "slice",
        "str",
        "tuple",
        "type",
        "super",
        "property",
        "staticmethod",
        "classmethod",
    }
)
#: Methods of ``str`` and ``pathlib`` paths that only compute a new value.
_PURE_METHODS = frozenset(
    {
        "capitalize",
        "casefold",
        "decode",
        "encode",
        "endswith",
        "format",
        "join",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "replace",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "title",
        "upper",
        "zfill",
        "absolute",
        "as_posix",
        "as_uri",
        "expanduser",
        "joinpath",
        "relative_to",
        "resolve",
        "with_name",
        "with_stem",
        "with_suffix",
    }
)
#: Allowed calls whose result is a decorator, so calling that result is allowed too.
_DECORATOR_FACTORIES = frozenset({"dataclass"})
_LITERALS = (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set)


@dataclass(frozen=True)
class SideEffectFinding:
    """A module-level statement that calls something while the module is being imported."""

    filename: str
    line: int
    description: str
    suggestion: str


def detect_side_effects(source: str, filename: str) -> list[SideEffectFinding]:
    """Return one finding per module-level statement of ``source`` that makes a non-allow-listed call.

    Findings come in source order; ``line`` is the line of the reported call. Source that does not
    parse gives no findings: importing the module will report the syntax error far better.
    """
    try:
        tree = ast.parse(source, filename=filename)
    except (SyntaxError, ValueError):
        return []
    findings: list[SideEffectFinding] = []
    # The module's dotted name is unknown here, so relative imports and local definitions are
    # recorded as "bound to something unnamed": never mistaken for an allowed call.
    bindings = Bindings(module="", is_package=False)
    for call in _offending_calls(tree.body, bindings):
        findings.append(
            SideEffectFinding(
                filename=filename,
                line=call.lineno,
                description=f"Module-level call: `{_render(call.func)}()`",
                suggestion=SUGGESTION,
            )
        )
    return findings


def side_effect_messages(module_name: str) -> list[str]:
    """The ``SideEffectWarning`` messages for a module about to be imported; none without readable source.

    A module that cannot be found, read or decoded gets none: importing it reports that better.
    """
    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return []
    origin = spec.origin if spec is not None else None
    if origin is None or not origin.endswith(".py"):
        return []
    try:
        with open(origin, "rb") as handle:
            source = importlib.util.decode_source(handle.read())  # honours PEP 263 encoding declarations
    except (OSError, SyntaxError, UnicodeDecodeError):
        return []
    return [
        f"Potential side effect in `{module_name}` (line {finding.line}): {finding.description}\n"
        f"  Suggestion: {finding.suggestion}"
        for finding in detect_side_effects(source, origin)
    ]


def _offending_calls(body: list[ast.stmt], bindings: Bindings) -> Iterator[ast.Call]:
    """Walk statements in execution order, yielding each statement's first offending call.

    Bindings are updated after each statement is checked, so a call is judged by the names in
    force when it runs (``Path = make_path`` later in the file does not affect earlier lines).
    """
    for stmt in body:
        if isinstance(stmt, ast.If) and is_type_checking_guard(stmt.test):
            yield from _offending_calls(stmt.orelse, bindings)
            continue
        call = _first_offending_call(_evaluated_expressions(stmt), bindings)
        if call is not None:
            yield call
        bindings.bind(stmt)
        if not isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            for block in executed_blocks(stmt):
                yield from _offending_calls(block, bindings)


def _evaluated_expressions(stmt: ast.stmt) -> list[ast.expr]:
    """The expressions of a reportable statement, in evaluation order (value before targets)."""
    if isinstance(stmt, ast.Expr):
        return [stmt.value]
    if isinstance(stmt, ast.Assign):
        return [stmt.value, *stmt.targets]
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        return [stmt.value, stmt.target]
    if isinstance(stmt, ast.AugAssign):
        return [stmt.target, stmt.value]
    return []


def _first_offending_call(expressions: list[ast.expr], bindings: Bindings) -> ast.Call | None:
    for expression in expressions:
        for call in _calls_outermost_first(expression):
            if not _is_allowed(call, bindings):
                return call
    return None


def _calls_outermost_first(node: ast.AST) -> Iterator[ast.Call]:
    """Pre-order walk over the calls in ``node``; lambda bodies are skipped (they run later)."""
    if isinstance(node, ast.Lambda):
        return
    if isinstance(node, ast.Call):
        yield node
    for child in ast.iter_child_nodes(node):
        yield from _calls_outermost_first(child)


def _is_allowed(call: ast.Call, bindings: Bindings) -> bool:
    func = call.func
    spelling = dotted_name(func)
    if spelling is not None:
        qualified = bindings.resolve(spelling)
        if qualified is not None:
            return _is_allowed_name(qualified) or (
                qualified.startswith("builtins.") and qualified[len("builtins.") :] in _ALLOWED_BUILTINS
            )
        if bindings.is_bound(spelling):
            return False  # a local function, a variable, an import we cannot anchor
        # Not bound by the module: a builtin, or a name from a star import.
        return (
            spelling in _ALLOWED_BUILTINS
            or _is_allowed_name(spelling)
            or _is_allowed_name(f"os.{spelling}")
            or any(name.endswith(f".{spelling}") for name in _ALLOWED_QUALIFIED)
        )
    if isinstance(func, ast.Call):
        # ``dataclass(frozen=True)(Point)``: the functional spelling of a decorator factory.
        factory = dotted_name(func.func)
        return (
            factory is not None and factory.rpartition(".")[2] in _DECORATOR_FACTORIES and _is_allowed(func, bindings)
        )
    return isinstance(func, ast.Attribute) and func.attr in _PURE_METHODS and _is_pure_receiver(func.value, bindings)


def _is_allowed_name(qualified: str) -> bool:
    return qualified in _ALLOWED_QUALIFIED or qualified.startswith(_ALLOWED_PREFIXES)


def _is_pure_receiver(node: ast.expr, bindings: Bindings) -> bool:
    """A literal, or an allowed call possibly followed by attribute access (``Path(x).parent``)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    if isinstance(node, _LITERALS):
        return True
    return isinstance(node, ast.Call) and _is_allowed(node, bindings)


def _render(node: ast.expr) -> str:
    """Name a called expression the way a reader would: ``a.b``, ``client().connect``; args elided."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_render(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_render(node.func)}()"
    if isinstance(node, ast.Subscript):
        return f"{_render(node.value)}[...]"
    if isinstance(node, ast.Lambda):
        return "(lambda)"
    text = ast.unparse(node)
    return text if len(text) <= 40 else "<expression>"
