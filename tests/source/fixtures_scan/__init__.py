"""Packages read (never imported) by the scan_plan and lazy-index tests."""
