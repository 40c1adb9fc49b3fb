"""dioxide.click: with_scope(container) gives each command (and group) callback a fresh scope as its first argument,
in Click and Typer; the container stops when the outermost context closes; no asyncio.run."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import click
import typer
from click.testing import CliRunner
from typer.testing import CliRunner as TyperRunner

import dioxide
import dioxide.click
from dioxide import Container, Profile, Scope, ScopedContainer, service
from dioxide.click import configure_dioxide, with_scope
from tests.integrations.components import Components
from tests.integrations.scripts import lines, run_program


def _ok(result: Any) -> list[str]:
    assert result.exit_code == 0, (result.output, result.exception)
    return list(result.output.split())


class DescribeCommands:
    def it_shares_a_request_component_within_an_invocation_and_renews_it_in_the_next(
        self, components: Components
    ) -> None:
        container = configure_dioxide(profile=Profile.TEST)

        @click.command()
        @click.option("--name", default="world")
        @with_scope(container)
        def hello(scope: ScopedContainer, name: str) -> None:
            session = scope.resolve(components.Session)
            assert scope.resolve(components.Session) is session
            assert session.open
            click.echo(f"{name} {id(session)}")

        runner = CliRunner()
        first, second = _ok(runner.invoke(hello, ["--name", "ada"])), _ok(runner.invoke(hello, []))
        assert first[0] == "ada"
        assert second[0] == "world"
        assert first[1] != second[1]
        assert [str(id(s)) for s in components.closed] == [first[1], second[1]]

    def it_disposes_the_request_components_when_the_command_raises(self, components: Components) -> None:
        container = configure_dioxide(profile=Profile.TEST)

        @click.command()
        @with_scope(container)
        def fails(scope: ScopedContainer) -> None:
            scope.resolve(components.Session)
            raise ValueError("command failed")

        result = CliRunner().invoke(fails, [])
        assert isinstance(result.exception, ValueError)
        assert len(components.closed) == 1
        assert components.pool_events == ["initialize", "dispose"]

    def it_stops_the_container_when_the_command_ends_and_starts_it_afresh_for_the_next(
        self, components: Components
    ) -> None:
        container = configure_dioxide(profile=Profile.TEST)
        pools: list[object] = []

        @click.command()
        @with_scope(container)
        def run(scope: ScopedContainer) -> None:
            pools.append(scope.resolve(components.Pool))
            assert components.pool_events[-1] == "initialize"

        _ok(CliRunner().invoke(run, []))
        assert components.pool_events == ["initialize", "dispose"]
        assert not container.started
        _ok(CliRunner().invoke(run, []))
        assert components.pool_events == ["initialize", "dispose"] * 2
        assert pools[0] is not pools[1]

    def it_gives_each_of_8_concurrent_invocations_its_own_scope(self, components: Components) -> None:
        container = configure_dioxide(profile=Profile.TEST)
        together = threading.Barrier(8, timeout=10)
        sessions: list[int] = []

        @click.command()
        @with_scope(container)
        def run(scope: ScopedContainer) -> None:
            session = scope.resolve(components.Session)
            together.wait()
            assert scope.resolve(components.Session) is session
            sessions.append(id(session))

        with ThreadPoolExecutor(8) as pool:  # main() itself: CliRunner swaps sys.stdout, so one thread at a time
            list(pool.map(lambda _: run.main([], standalone_mode=False), range(8), timeout=30))
        assert len(set(sessions)) == 8
        assert len(components.closed) == 8
        assert components.pool_events == ["initialize", "dispose"]  # shared, stopped after the last one

    async def it_works_in_a_thread_whose_event_loop_is_running(self, components: Components) -> None:
        container = configure_dioxide(profile=Profile.TEST)

        @click.command()
        @with_scope(container)
        def run(scope: ScopedContainer) -> None:
            scope.resolve(components.Session)

        _ok(CliRunner().invoke(run, []))
        assert len(components.closed) == 1
        assert components.pool_events == ["initialize", "dispose"]

    def it_runs_async_callbacks_on_the_containers_loop(self, components: Components) -> None:
        container = configure_dioxide(profile=Profile.TEST)

        @click.command()
        @with_scope(container)
        async def run(scope: ScopedContainer) -> None:
            session = scope.resolve(components.Session)
            await asyncio.sleep(0)
            assert session.loop is asyncio.get_running_loop()
            click.echo("done")

        assert _ok(CliRunner().invoke(run, [])) == ["done"]
        assert len(components.closed) == 1


class DescribeGroups:
    def it_gives_group_and_subcommand_callbacks_their_own_scopes_and_stops_after_the_last(
        self, components: Components
    ) -> None:
        container = configure_dioxide(profile=Profile.TEST)
        seen: list[tuple[str, int]] = []

        @click.group()
        @with_scope(container)
        def cli(scope: ScopedContainer) -> None:
            seen.append(("cli", id(scope.resolve(components.Session))))

        @cli.group()
        @with_scope(container)
        def db(scope: ScopedContainer) -> None:
            seen.append(("db", id(scope.resolve(components.Session))))

        @db.command()
        @click.argument("revision")
        @with_scope(container)
        def migrate(scope: ScopedContainer, revision: str) -> None:
            assert components.pool_events == ["initialize"]
            seen.append((revision, id(scope.resolve(components.Session))))

        _ok(CliRunner().invoke(cli, ["db", "migrate", "head"]))
        assert [name for name, _ in seen] == ["cli", "db", "head"]
        assert len({session for _, session in seen}) == 3
        assert [id(s) for s in components.closed] == [session for _, session in seen]
        assert components.pool_events == ["initialize", "dispose"]


class DescribeTyper:
    def it_hides_the_scope_from_typer_and_supports_nested_typers(self, components: Components) -> None:
        container = configure_dioxide(profile=Profile.TEST)
        app, users = typer.Typer(), typer.Typer()
        app.add_typer(users, name="users")

        @app.callback()
        @with_scope(container)
        def main(scope: ScopedContainer, verbose: bool = False) -> None:
            scope.resolve(components.Session)

        @users.command()
        @with_scope(container)
        def add(scope: ScopedContainer, name: str, admin: bool = False) -> None:
            session = scope.resolve(components.Session)
            assert scope.resolve(components.Session) is session
            typer.echo(f"{name} admin={admin}")

        result = TyperRunner().invoke(app, ["--verbose", "users", "add", "ada", "--admin"])
        assert _ok(result) == ["ada", "admin=True"]
        assert len(components.closed) == 2
        assert components.pool_events == ["initialize", "dispose"]
        help_text = TyperRunner().invoke(app, ["users", "add", "--help"]).output
        assert "name" in help_text.lower()
        assert "--admin" in help_text
        assert "scope" not in help_text.lower()

    def it_works_with_typer_alone_which_vendors_click(self) -> None:
        done = run_program(
            """
            import sys
            sys.modules["click"] = None  # Typer 0.2x does not install Click
            import typer
            from typer.testing import CliRunner
            from dioxide import Profile
            from dioxide.click import configure_dioxide, with_scope
            import dioxide.click

            print("click is", dioxide.click.click.__name__, flush=True)
            container = configure_dioxide(profile=Profile.TEST)
            app = typer.Typer()

            @app.command()
            @with_scope(container)
            def hello(scope, name: str) -> None:
                print("hello", name, flush=True)

            result = CliRunner().invoke(app, ["ada"])
            print(result.output.strip(), flush=True)  # what the command printed, captured by the runner
            print("exit code", result.exit_code, flush=True)
            """
        )
        assert lines(done) == ["click is typer._click", "pool initialize", "hello ada", "pool dispose", "exit code 0"]


class DescribeConfiguration:
    def it_makes_a_new_container_unless_given_one(self, components: Components) -> None:
        made = configure_dioxide(profile=Profile.TEST)
        assert made is not dioxide.container
        assert made.started
        given = Container()
        assert configure_dioxide(profile=Profile.TEST, container=given) is given
        for container in (made, given):
            container.__exit__(None, None, None)

    def it_stops_when_configured_inside_a_command(self, components: Components) -> None:
        @click.command()
        def run() -> None:
            container = configure_dioxide(profile=Profile.TEST)
            assert container.started

        _ok(CliRunner().invoke(run, []))
        assert components.pool_events == ["initialize", "dispose"]

    def it_stops_the_container_at_exit_when_no_command_ran(self) -> None:
        done = run_program(
            """
            import click
            from dioxide import Profile
            from dioxide.click import configure_dioxide, with_scope

            container = configure_dioxide(profile=Profile.TEST)

            @click.command()
            @with_scope(container)
            def run(scope) -> None:
                print("ran")

            run.main(["--help"], standalone_mode=False)
            """
        )
        assert lines(done)[0] == "pool initialize"
        assert lines(done)[-1] == "pool dispose"
        assert "ran" not in lines(done)

    def it_gives_a_request_component_the_command_s_context(self) -> None:
        @service(scope=Scope.REQUEST)
        class Invocation:
            def __init__(self, context: click.Context) -> None:
                self.command = context.info_name
                self.name = context.params.get("name")

        container = configure_dioxide(profile=Profile.TEST)

        @click.command()
        @click.option("--name", default="world")
        @with_scope(container)
        def hello(scope: ScopedContainer, name: str) -> None:
            invocation = scope.resolve(Invocation)
            click.echo(f"{invocation.command} {invocation.name}")

        assert _ok(CliRunner().invoke(hello, ["--name", "ada"])) == ["hello", "ada"]
