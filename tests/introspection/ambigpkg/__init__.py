"""Two TEST adapters for one port, in two modules: an eager scan refuses this package."""
