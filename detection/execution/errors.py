"""Errors of the execution path itself (not of a detector)."""

from __future__ import annotations


class WindowDropped(Exception):
    """The window was not scored in time (stale): dropped, not an error of the detector."""
