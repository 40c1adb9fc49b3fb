"""Decorations a static read can and cannot see."""

from dioxide import adapter

from . import ports

for_ = adapter.for_
deco = adapter.for_(ports.UserRepository)
PORTS = {"users": ports.UserRepository}
OPTIONS = {"profile": "test"}


@for_(ports.UserRepository, profile="development")
class ViaModuleAlias:  # found: `for_` is an alias of `adapter.for_`
    def balance(self, user_id: int) -> int:
        return user_id


@deco
class ViaDecoratorVariable:  # not found: the decorator is a value computed at run time
    def balance(self, user_id: int) -> int:
        return user_id


@adapter.for_(PORTS["users"], profile="test")
class ViaPortExpression:  # found, but the port is unknown
    def balance(self, user_id: int) -> int:
        return user_id


@adapter.for_(ports.UserRepository, **OPTIONS)
class ViaKeywordExpansion:  # found; the profile is unknown
    def balance(self, user_id: int) -> int:
        return user_id
