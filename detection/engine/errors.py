"""Errors a detector raises; the service layer maps them to a failed job or a 4xx."""

from __future__ import annotations


class EngineError(Exception):
    """Base class of every engine error."""


class InputRejected(EngineError):
    """The content cannot be analysed (corrupt, too short, unsupported...).

    The message is shown to the user as is, so it must say what is wrong.
    """


class ModelUnavailable(EngineError):
    """A model's code or weights are missing; the message names what to install or where."""


class NothingToScore(InputRejected):
    """The window holds nothing the detector judges (no speech in a voice window): it is
    shown with the reason and counts for nothing, rather than getting a made-up score."""
