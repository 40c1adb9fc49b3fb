"""Generated providers read like hand-written code, show up in tracebacks, and can be printed."""

from __future__ import annotations

import traceback

import pytest

from dioxide import Container, Profile, Scope, service


def garage_graph() -> tuple[type, type, type]:
    @service(scope=Scope.FACTORY)
    class Engine:
        def __init__(self) -> None:
            raise RuntimeError("no fuel")

    @service(scope=Scope.FACTORY)
    class Car:
        def __init__(self, engine: Engine) -> None:
            self.engine = engine

    @service
    class Garage:
        def __init__(self, car: Car) -> None:
            self.car = car

    return Engine, Car, Garage


class DescribeGeneratedCode:
    def it_shows_its_source_lines_in_a_traceback(self) -> None:
        _, _, Garage = garage_graph()
        container = Container(profile=Profile.TEST)
        with pytest.raises(RuntimeError) as caught:
            container.resolve(Garage)
        frames = traceback.extract_tb(caught.value.__traceback__)
        # the singleton Garage is built once without generated code; its FACTORY dependency Car has a provider
        generated = [frame for frame in frames if frame.filename.startswith("dioxide: provider of Car")]
        assert len(generated) == 1
        assert generated[0].name == "provide_Car"
        assert generated[0].line == "engine = Engine()"
        text = "".join(traceback.format_exception(caught.value))
        assert "engine = Engine()" in text

    def it_prints_the_code_generated_for_a_key(self) -> None:
        _, Car, Garage = garage_graph()
        container = Container(profile=Profile.TEST)
        text = container.explain(Car, code=True)
        assert text.startswith("=== Resolution: Car ===\nCar (FACTORY)\n+-- engine: Engine (FACTORY)\n")
        code = text.split("Generated code:\n", 1)[1]
        assert code.splitlines() == [
            "    def provide_Car():",
            "        try:",
            "            engine = Engine()",
            "            value = Car(engine)",
            "        except Exception as error:",
            "            note(error, Car)",
            "            raise",
            "        return value",
        ]
        assert "Generated code" not in container.explain(Garage)

    def it_prints_the_scoped_code_of_a_request_component(self) -> None:
        @service(scope=Scope.REQUEST)
        class Session:
            pass

        @service(scope=Scope.REQUEST)
        class Handler:
            def __init__(self, session: Session) -> None:
                self.session = session

        container = Container(profile=Profile.TEST)
        code = container.explain(Handler, code=True).split("Generated code:\n", 1)[1]
        assert "def provide_Handler(scope):" in code
        assert "if Handler in scope:" in code
        assert "session = scope[Session] = Session()" in code
        assert "value = scope[Handler] = Handler(session)" in code

    def it_names_locals_apart_when_a_class_is_built_twice(self) -> None:
        @service(scope=Scope.FACTORY)
        class Part:
            pass

        @service(scope=Scope.FACTORY)
        class Pair:
            def __init__(self, left: Part, right: Part) -> None:
                self.left, self.right = left, right

        container = Container(profile=Profile.TEST)
        pair = container.resolve(Pair)
        assert pair.left is not pair.right
        code = container.explain(Pair, code=True)
        assert "part = Part()" in code
        assert "part_2 = Part()" in code
        assert "value = Pair(part, part_2)" in code
