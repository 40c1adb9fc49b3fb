"""A second bounded context with its own ``UserRepository`` port (a bare-name collision)."""
