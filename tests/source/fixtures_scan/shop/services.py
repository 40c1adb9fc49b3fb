"""Services in every spelling the static reader must (or must not) pick up."""

from typing import TYPE_CHECKING

from dioxide import Scope, service

if TYPE_CHECKING:

    @service
    class NeverAtRuntime:  # the body of `if TYPE_CHECKING:` never runs
        pass


@service
class UserService:
    pass


@service(scope=Scope.FACTORY)
class ReportBuilder:
    pass


class Helper:  # not decorated
    pass


class Outer:
    @service
    class Inner:  # decorated when the module runs: found, as `Outer.Inner`
        pass


try:

    @service
    class InTryBlock:
        pass

except ImportError:
    pass


def make_local() -> type:
    @service
    class LocalOnly:  # exists only once the function runs: not found
        pass

    return LocalOnly


if __name__ == "__main__":

    @service
    class ScriptOnly:  # not defined on import: not found
        pass
