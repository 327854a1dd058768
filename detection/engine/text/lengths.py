"""Length-aware calibration: one Platt mapping and cut per calibrated text length.

Both raw scores are per-token averages, so their spread shrinks as texts grow: a cut that
flags 1 % of 250-token human texts flags more of 50-token ones. ``calibrate_text`` fits
the mapping and cuts again on the calibration texts cut to 48, 64, 96, ... tokens and
stores them in ``params["by_length"]``. A text of n tokens uses the calibration of the
longest calibrated length not above n (the shortest one for shorter texts): its scores
are at most as spread out as those, so its false-positive rate stays at or under the
target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..calibration import Calibration


@dataclass(frozen=True)
class LengthCalibrations:
    base: Calibration
    buckets: list[tuple[int, Calibration]] = field(default_factory=list)  # ascending

    @classmethod
    def from_calibration(cls, base: Calibration) -> LengthCalibrations:
        entries = sorted(base.params.get("by_length", []), key=lambda e: int(e["tokens"]))
        buckets = [
            (
                int(e["tokens"]),
                Calibration(
                    method="platt",
                    params={"a": e["a"], "b": e["b"], "score": base.params["score"]},
                    ai_at=float(e["ai_at"]),
                    human_below=float(e["human_below"]),
                    raw_threshold=float(e["raw_threshold"]),
                    provenance=base.provenance,
                    holdout=base.holdout,
                ),
            )
            for e in entries
        ]
        return cls(base, buckets)

    def for_tokens(self, n: int) -> tuple[Calibration, int | None]:
        """The calibration for a text of ``n`` scored tokens and its bucket length."""
        if not self.buckets:
            return self.base, None
        tokens, chosen = self.buckets[0]
        for length, calibration in self.buckets:
            if length <= n:
                tokens, chosen = length, calibration
        return chosen, tokens
