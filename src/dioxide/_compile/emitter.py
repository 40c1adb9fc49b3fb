"""Writing the body of one provider: flat statements, dependencies first, one per construction.

The walk over the dependency tree is iterative, and the code it writes does not nest per level: a chain of
1,000 components compiles and runs in one function at the default recursion limit.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Final, Protocol

from dioxide._compile.arguments import arrange
from dioxide._compile.builder import CodeBuilder, snake_case
from dioxide._declare.registry import Style
from dioxide._plan.bindings import Binding, Kind, implementation_name, key_name
from dioxide._plan.edges import Edge, Mode
from dioxide._plan.plan import Plan, is_list_key
from dioxide._plan.problems import (
    Cycle,
    Hop,
    MissingDependency,
    NotGiven,
    NotOpened,
    NotRegistered,
    OutsideScope,
    Problem,
    Uninjectable,
)
from dioxide.scope import Scope

if TYPE_CHECKING:
    from collections.abc import Callable

_BUDGET: Final = 512  # constructions written into one provider; beyond, dependencies call their own provider


class ProviderSource(Protocol):
    """What the emitter needs from the compiler: the plan, and raisers for the problems it meets.

    The generated code also calls ``resolve(key)`` and ``resolve_in(key, scope)``, globals the compiler puts in
    every provider's namespace, for a singleton not built yet and for a dependency over the budget.
    """

    plan: Plan

    def raiser(self, problem: Problem) -> Callable[..., object]: ...


class _Node:
    """One construction being written: its binding, its dependency edges and the values found so far."""

    __slots__ = ("binding", "edges", "values")

    def __init__(self, binding: Binding, edges: tuple[Edge, ...]) -> None:
        self.binding = binding
        self.edges = edges
        self.values: list[str | None] = []


class Emitter:
    def __init__(self, source: ProviderSource, builder: CodeBuilder, *, in_scope: bool) -> None:
        self.source = source
        self.plan = source.plan
        self.b = builder
        self.in_scope = in_scope
        self.constructions = 0
        self.request_locals: dict[Hashable, str] = {}

    def provider(self, binding: Binding) -> None:
        """The whole body: construct ``key`` after what it needs; in a scope, REQUEST components first.

        In a scope the body has two paths. A scope that holds nothing yet (the first resolution of a request)
        builds every REQUEST component without looking it up; otherwise each is taken from the scope when
        there, built and stored when not.
        """
        requests = self.in_scope and self.has_request_parts(binding)
        if not requests:
            self.body(binding, 1, fresh=False)
            return
        self.b.add(1, "if scope:")
        key = self.key(binding.key)
        if binding.scope is Scope.REQUEST:
            self.b.add(2, f"if {key} in scope:")
            self.b.add(3, f"return scope[{key}]")
        self.body(binding, 2, fresh=False)
        self.request_locals.clear()
        self.body(binding, 1, fresh=True)

    def async_builder(self, binding: Binding) -> None:
        """The body of an ``async def`` building an async provider's value, run at start (or scope opening).

        What it needs is built (or taken from the scope) first, synchronously; then the provider function is
        awaited, and its value stored where ``resolve()`` finds it.
        """
        b = self.b
        key = self.key(binding.key)
        store = "scope" if self.in_scope else "instances"
        b.add(1, f"if {key} in {store}:")
        b.add(2, f"return {store}[{key}]")
        b.add(1, "try:")
        if self.in_scope:
            self.request_dependencies(binding.key, 2, fresh=False)
        call = self.construct(binding, 2)
        if binding.style is Style.ASYNC_GENERATOR:
            name = repr(implementation_name(binding))
            call = f"enter_async_in({call}, {name}, scope)" if self.in_scope else f"enter_async({call}, {name})"
        b.add(2, f"value = {store}[{key}] = await {call}")
        b.add(1, "except Exception as error:")
        b.add(2, f"note(error, {key})")
        b.add(2, "raise")
        b.add(1, "return value")

    def has_request_parts(self, binding: Binding) -> bool:
        if binding.scope is Scope.REQUEST:
            return True
        order = self.plan.reachable(binding.key, lambda b: b.scope is not Scope.SINGLETON)
        return any((b := self.plan.get(k)) is not None and b.scope is Scope.REQUEST for k in order)

    def body(self, binding: Binding, depth: int, *, fresh: bool) -> None:
        b = self.b
        key = self.key(binding.key)
        stores = self.in_scope and binding.scope is Scope.REQUEST
        b.add(depth, "try:")
        if self.in_scope:
            self.request_dependencies(binding.key, depth + 1, fresh=fresh)
        expression = self.construct(binding, depth + 1)
        b.add(depth + 1, f"value = scope[{key}] = {expression}" if stores else f"value = {expression}")
        b.add(depth, "except Exception as error:")
        b.add(depth + 1, f"note(error, {key})")
        b.add(depth + 1, "raise")
        b.add(depth, "return value")

    def request_dependencies(self, root: Hashable, depth: int, *, fresh: bool) -> None:
        """Each REQUEST component ``root`` needs, taken from the scope or built and stored there, in order.

        ``fresh``: the scope is known to be empty, so each is built and stored without a lookup.
        """
        order = self.plan.reachable(root, lambda binding: binding.scope is not Scope.SINGLETON)
        for key in order:
            binding = self.plan.get(key)
            if key == root or binding is None or binding.scope is not Scope.REQUEST:
                continue
            name, local = self.key(key), self.b.local(implementation_name(binding))
            if binding.style.is_async or binding.kind is Kind.CONTEXT:  # built at opening, or given: never here
                missing = NotGiven(key) if binding.kind is Kind.CONTEXT else NotOpened(key)
                self.b.add(depth, f"{local} = scope[{name}] if {name} in scope else {self.fail(missing)}")
            elif fresh:
                expression = self.construct(binding, depth)
                self.b.add(depth, f"{local} = scope[{name}] = {expression}")
            else:
                self.b.add(depth, f"if {name} in scope:")
                self.b.add(depth + 1, f"{local} = scope[{name}]")
                self.b.add(depth, "else:")
                expression = self.construct(binding, depth + 1)
                self.b.add(depth + 1, f"{local} = scope[{name}] = {expression}")
            self.request_locals[key] = local

    # -- one construction, its FACTORY dependencies inlined before it ------------------------------------

    def construct(self, binding: Binding, depth: int) -> str:
        """An expression for a new value of ``binding``; the statements it needs are written first."""
        stack = [_Node(binding, self.plan.edges(binding.key))]
        on_path = {binding.key: None}
        while True:
            node = stack[-1]
            if len(node.values) < len(node.edges):
                value = self.dependency(node.binding, node.edges[len(node.values)], on_path)
                if isinstance(value, Binding):
                    stack.append(_Node(value, self.plan.edges(value.key)))
                    on_path[value.key] = None
                else:
                    node.values.append(value)
                continue
            stack.pop()
            on_path.pop(node.binding.key, None)
            expression = self.finish(node, depth, last=not stack)
            if not stack:
                return expression
            stack[-1].values.append(expression)

    def dependency(self, binding: Binding, edge: Edge, on_path: dict[Hashable, None]) -> str | Binding | None:
        """The value passed for ``edge`` (``None``: the parameter is left to its default), or a binding to build."""
        mode = edge.mode
        if mode is Mode.BIND and edge.target is not None:
            return self.reference(edge.target, on_path)
        if mode is Mode.NONE:
            return "None"
        if mode is Mode.EMPTY:
            return "[]"
        if mode is Mode.MISSING and edge.target is not None:
            return self.fail(MissingDependency(binding.key, (Hop(binding, edge.parameter),), edge.target))
        if mode is Mode.UNINJECTABLE and edge.parameter is not None:  # never Python's bare TypeError
            return self.fail(Uninjectable(binding.key, (Hop(binding, edge.parameter),), edge.parameter))
        return None

    def reference(self, key: Hashable, on_path: dict[Hashable, None]) -> str | Binding:
        """How a dependent gets ``key``: a registered object, a singleton, the scope's instance, or a new one."""
        binding = self.plan.get(key)
        if binding is None:
            return "[]" if is_list_key(key) else self.fail(NotRegistered(key))
        if binding.kind is Kind.INSTANCE:
            return self.b.name(binding.target, f"{type(binding.target).__name__}_instance")
        name = self.key(key)
        if binding.scope is Scope.SINGLETON:
            return f"(instances[{name}] if {name} in instances else resolve({name}))"
        if key in on_path:  # validation reports cycles first; this keeps generation finite regardless
            return self.fail(Cycle((*on_path, key)))
        if binding.scope is Scope.REQUEST:
            if not self.in_scope:
                return self.fail(OutsideScope(key))
            local = self.request_locals.get(key)
            return local if local is not None else f"resolve_in({name}, scope)"
        if self.constructions >= _BUDGET:
            if self.in_scope:
                return f"resolve_in({name}, scope)"
            return f"resolve({name})"
        return binding

    def finish(self, node: _Node, depth: int, *, last: bool) -> str:
        """Write the statement building ``node`` from its dependencies' values; ``last`` returns the call itself."""
        binding = node.binding
        kind = binding.kind
        if kind is Kind.INSTANCE:
            return self.b.name(binding.target, f"{type(binding.target).__name__}_instance")
        if kind is Kind.ALIAS:
            return node.values[0] or "None"
        if kind is Kind.MULTI:
            return f"[{', '.join(v for v in node.values if v is not None)}]"
        self.constructions += 1
        target = self.b.name(binding.target, getattr(binding.target, "__name__", "factory"))
        call = f"{target}()" if kind is Kind.FACTORY else f"{target}({self.arguments(node)})"
        if binding.style is Style.GENERATOR:  # advanced to its yield; the rest runs when the scope ends
            name = repr(implementation_name(binding))
            call = f"enter_in({call}, {name}, scope)" if self.in_scope else f"enter({call}, {name})"
        if last:
            return call
        local = self.b.local(implementation_name(binding))
        self.b.add(depth, f"{local} = {call}")
        return local

    def arguments(self, node: _Node) -> str:
        positional, keywords = arrange(node.edges, node.values, lambda p: self.b.name(p.default, f"{p.name}_default"))
        return ", ".join([*positional, *(f"{name}={value}" for name, value in keywords)])

    # -- names -------------------------------------------------------------------------------------------

    def key(self, key: Hashable) -> str:
        return self.b.name(key, key_name(key))

    def fail(self, problem: Problem) -> str:
        """A call raising the error of ``problem``, named after it (``not_given()``, ``outside_scope()``...)."""
        return f"{self.b.name(self.source.raiser(problem), snake_case(type(problem).__name__))}()"


__all__ = ["Emitter", "ProviderSource"]
