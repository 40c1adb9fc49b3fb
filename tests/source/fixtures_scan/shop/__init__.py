"""A package whose own ``__init__`` declares a component and re-exports a port."""

from dioxide import service

from .ports import UserRepository

__all__ = ["ShopSettings", "UserRepository"]


@service
class ShopSettings:
    pass
