"""Suite-wide settings: nothing here changes dioxide's global state."""
