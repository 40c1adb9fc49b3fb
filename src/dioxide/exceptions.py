"""The errors dioxide raises: what happened, where (the dependency chain), and a link to how to fix it.

Every error renders as a title line, an optional context/suggestion/example block, and a docs link. The
container builds short messages (a few lines); the structured keyword arguments exist for programmatic use
and tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Self

# This version's documentation site, built from docs/ by `make docs` (mkdocs.yml's site_url). Each page is
# `<path>.html` for `docs/<path>.md`, and every error links to the page of its error, which must exist (tested).
# 2.x linked to its own site, which describes 2.x: its pages do not know the errors and differences of this one.
DOCS_BASE_URL = "https://dioxide.readthedocs.io/en/latest"
_TROUBLESHOOTING = f"{DOCS_BASE_URL}/troubleshooting"


def _name(obj: object) -> str:
    return getattr(obj, "__name__", None) or str(obj)


def _same(recorded: dict[str, Any], key: str, value: object) -> bool:
    """Whether ``context[key]`` still holds the fact the constructor recorded (so the message says it)."""
    if key not in recorded:
        return False
    before = recorded[key]
    if before is value:
        return True
    try:
        return bool(before == value)
    except Exception:  # a value whose comparison raises is shown rather than hidden
        return False


class DioxideError(Exception):
    """Base class of every dioxide error."""

    title: ClassVar[str] = "Dioxide Error"
    docs_url: ClassVar[str | None] = f"{_TROUBLESHOOTING}/index.html"

    def __init__(
        self,
        message: str = "",
        *,
        context: dict[str, Any] | None = None,
        suggestions: Sequence[str] | None = None,
        example: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        try:
            self.message = message
        except AttributeError:  # an ExceptionGroup's .message is read-only, and already set
            pass
        self.context: dict[str, Any] = dict(context or {})
        self._recorded: dict[str, Any] = {}
        self.suggestions: list[str] = list(suggestions or [])
        self.example = example
        self._record(**(details or {}))

    def with_context(self, **context: Any) -> Self:
        self.context.update(context)
        return self

    def with_suggestion(self, suggestion: str) -> Self:
        self.suggestions.append(suggestion)
        return self

    def with_example(self, example: str) -> Self:
        self.example = example
        return self

    def _record(self, **structured: Any) -> None:
        """Keep structured facts for programmatic use without repeating them in the rendered text.

        The message already says them; ``str()`` shows only the context that differs from what was recorded
        (set by ``with_context``, or by assigning to ``context`` after construction, as 2.x code does).
        """
        self.context.update(structured)
        self._recorded.update(structured)

    def _shown_context(self) -> dict[str, Any]:
        return {key: value for key, value in self.context.items() if not _same(self._recorded, key, value)}

    def __str__(self) -> str:
        lines = [f"{self.title}: {self._message_text()}"]
        shown = self._shown_context()
        if shown:
            lines.append("Context:")
            lines.extend(f"  - {key}: {value}" for key, value in shown.items())
        if self.suggestions:
            lines.append("Suggestions:")
            lines.extend(f"  - {suggestion}" for suggestion in self.suggestions)
        if self.example:
            lines.append("Example fix:")
            lines.extend(f"    {line}" for line in self.example.splitlines())
        if self.docs_url:
            lines.extend(["", f"-> See: {self.docs_url}"])
        return "\n".join(lines)

    def _message_text(self) -> str:
        return str(self.args[0]) if self.args else ""


class ResolutionError(DioxideError):
    """A component could not be resolved."""

    title = "Resolution Failed"


class AdapterNotFoundError(ResolutionError):
    """No adapter is active for a port in the container's profile (or the adapter's dependencies failed)."""

    title = "Adapter Not Found"
    docs_url = f"{_TROUBLESHOOTING}/adapter-not-found.html"

    def __init__(
        self,
        message: str | None = None,
        *,
        port: type | str | None = None,
        profile: str | None = None,
        available_adapters: Sequence[tuple[str, Sequence[str]]] | None = None,
        **kwargs: Any,
    ) -> None:
        if message is None:
            message = missing_adapter_message(_name(port), profile, available_adapters or [])
        super().__init__(message, **kwargs)
        if port is not None:
            self._record(port=_name(port), profile=profile, available_adapters=list(available_adapters or []))


class ServiceNotFoundError(ResolutionError):
    """A component is not registered, or one of its dependencies could not be resolved."""

    title = "Service Not Found"
    docs_url = f"{_TROUBLESHOOTING}/service-not-found.html"

    def __init__(
        self,
        message: str | None = None,
        *,
        service: type | str | None = None,
        profile: str | None = None,
        dependencies: Sequence[str] | None = None,
        failed_dependency: tuple[str, str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        if message is None:
            message = _service_message(_name(service), profile, dependencies, failed_dependency)
        super().__init__(message, **kwargs)
        if service is not None:
            self._record(
                service=_name(service),
                profile=profile,
                dependencies=list(dependencies or []),
                failed_dependency=failed_dependency,
            )


class CircularDependencyError(ServiceNotFoundError):
    """Components depend on each other in a cycle; the message names the whole cycle.

    It subclasses ``ServiceNotFoundError`` because dioxide 2.1 reported cycles as that.
    """

    title = "Circular Dependency"
    docs_url = f"{_TROUBLESHOOTING}/circular-dependency.html"

    def __init__(self, message: str | None = None, *, cycle: Sequence[str] | None = None, **kwargs: Any) -> None:
        if message is None:
            message = f"Circular dependency: {' -> '.join(cycle or [])}"
        super().__init__(message, **kwargs)
        self.cycle: list[str] = list(cycle or [])


class ScopeError(DioxideError):
    """A REQUEST-scoped component was used outside a scope, or scopes were nested."""

    title = "Scope Error"
    docs_url = f"{_TROUBLESHOOTING}/scope-error.html"

    def __init__(
        self,
        message: str | None = None,
        *,
        component: type | str | None = None,
        required_scope: str | None = None,
        **kwargs: Any,
    ) -> None:
        if message is None:
            scope = (required_scope or "request").upper()
            message = f"Cannot resolve {_name(component)}: {scope}-scoped, requires active scope"
        super().__init__(message, **kwargs)
        if component is not None:
            self._record(component=_name(component), required_scope=required_scope)


class CaptiveDependencyError(DioxideError):
    """A longer-lived component depends on a shorter-lived one, which it would keep captive."""

    title = "Captive Dependency"
    docs_url = f"{_TROUBLESHOOTING}/captive-dependency.html"

    def __init__(
        self,
        message: str | None = None,
        *,
        parent: type | str | None = None,
        parent_scope: str | None = None,
        child: type | str | None = None,
        child_scope: str | None = None,
        **kwargs: Any,
    ) -> None:
        if message is None:
            outer = (parent_scope or "singleton").upper()
            inner = (child_scope or "request").upper()
            message = (
                f"Captive dependency: {_name(parent)} ({outer}) -> {_name(child)} ({inner})\n"
                f"  {outer} cannot depend on {inner}-scoped components"
            )
        super().__init__(message, **kwargs)
        if parent is not None:
            self._record(parent=_name(parent), parent_scope=parent_scope, child=_name(child), child_scope=child_scope)


class AmbiguousAdapterError(DioxideError, ValueError):
    """Several adapters claim one port in one profile (a ``ValueError``, as in dioxide 2.1)."""

    title = "Ambiguous Adapter"
    docs_url = f"{_TROUBLESHOOTING}/ambiguous-adapter.html"


class _ErrorGroup(DioxideError, ExceptionGroup):
    """A dioxide error that is also an ``ExceptionGroup`` of the errors it reports."""

    def __new__(cls, message: str, errors: Sequence[Exception]) -> Self:
        return super().__new__(cls, message, list(errors))

    def __init__(self, message: str, errors: Sequence[Exception]) -> None:
        DioxideError.__init__(self, message)
        self.errors: list[Exception] = list(errors)

    def derive(self, excs: Sequence[Exception]) -> Self:  # type: ignore[override]
        return type(self)(self.message, list(excs))


class ContainerValidationError(ResolutionError, _ErrorGroup):
    """Every problem found in a container's graph, reported at once.

    It is also an ``ExceptionGroup`` of the individual errors, so ``except* CircularDependencyError`` (or
    any other of them) still catches one kind of problem among several.
    """

    title = "Invalid Container"
    docs_url = f"{_TROUBLESHOOTING}/invalid-container.html"

    def _message_text(self) -> str:
        parts = [self.message]
        for number, error in enumerate(self.errors, 1):
            title = error.title if isinstance(error, DioxideError) else type(error).__name__
            body = error._message_text() if isinstance(error, DioxideError) else str(error)
            parts.append(f"  {number}. {title}: {body}".replace("\n", "\n     "))
        return "\n".join(parts)


class LifecycleError(_ErrorGroup):
    """One or more ``dispose()`` calls failed; every component was still given its chance to clean up."""

    title = "Lifecycle Error"
    docs_url = f"{_TROUBLESHOOTING}/lifecycle-error.html"

    def _message_text(self) -> str:
        parts = [self.message]
        parts.extend(f"  - {type(e).__name__}: {e}" for e in self.errors)
        return "\n".join(parts)


def missing_adapter_message(port: str, profile: str | None, available: Iterable[tuple[str, Sequence[str]]]) -> str:
    """The two-line missing-adapter text, shared by the error and by transitive failures."""
    listed = ", ".join(f"{name} ({', '.join(profiles)})" for name, profiles in available)
    return f"No adapter for {port} in profile '{profile or 'none'}'\n  Registered: {listed or 'none'}"


def _service_message(
    service: str, profile: str | None, dependencies: Sequence[str] | None, failed: tuple[str, str, str] | None
) -> str:
    if failed is None:
        if dependencies is None:
            detail = "Not registered (missing @service decorator)"
        else:  # registered: what it depends on (2.x's form, for programs that raise it themselves)
            detail = f"Dependencies: {', '.join(dependencies)}" if dependencies else "No dependencies"
        return f"Cannot resolve {service} in profile '{profile or 'none'}'\n  {detail}"
    param, dep_type, reason = failed
    return f"Cannot resolve {service} -> {param}: {dep_type}\n  {dep_type} missing: {reason}"


class SideEffectWarning(UserWarning):
    """A scanned module runs code at import time (reported by ``scan(strict=True)``)."""


class DioxideDeprecationWarning(DeprecationWarning):
    """A dioxide API is deprecated."""


__all__ = [
    "DOCS_BASE_URL",
    "AdapterNotFoundError",
    "AmbiguousAdapterError",
    "CaptiveDependencyError",
    "CircularDependencyError",
    "ContainerValidationError",
    "DioxideDeprecationWarning",
    "DioxideError",
    "LifecycleError",
    "ResolutionError",
    "ScopeError",
    "ServiceNotFoundError",
    "SideEffectWarning",
]
