"""The training protocol: families held out whole, augmented copies with them, no leaks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from detection.engine.image.train.calibrate import calibrate
from detection.engine.image.train.dataset import PACKAGED_REAL, Sample, family_of
from detection.engine.image.train.fit import fit_logistic, out_of_fold


def _samples() -> list[Sample]:
    rows = []
    for i in range(60):
        if i < 12:
            family, label = "real-photos", 0
        elif i < 14:
            family, label = PACKAGED_REAL, 0
        else:
            family, label = ["sdxl", "stylegan2", "dalle-mini"][i % 3], 1
        rows.append(Sample(Path(f"{i}.png"), label, family, family, "src", f"{i:064x}", 256, 256))
    return rows


def test_generator_names_map_to_families() -> None:
    assert family_of("stylegan2 (faces (FFHQ config-f))") == "stylegan2"
    assert family_of("stable-diffusion-1.5 fine-tune (DreamShaper 3.2)") == "stable-diffusion-1.5"
    assert family_of("real-photo (pip wheel sample data)") == PACKAGED_REAL
    assert family_of("real-photo (ImageNet)") == "real-photos"


def test_held_out_family_and_its_augmented_copies_are_never_trained_on() -> None:
    samples = _samples()
    n = len(samples)
    index = np.arange(n, dtype=float)[:, None]
    views = [index, index + 1000]  # the "augmented" view: same images, offset ids
    trained_on: list[set[int]] = []

    def fit(x: np.ndarray, y: np.ndarray) -> set[int]:
        seen = {int(v) % 1000 for v in x[:, 0]}
        trained_on.append(seen)
        return seen

    def score(seen: set[int], x: np.ndarray) -> np.ndarray:
        ids = x[:, 0].astype(int) % 1000
        assert not seen & set(ids.tolist()), "a held-out image was in the training set"
        return ids.astype(float)

    oof = out_of_fold(samples, views, fit, score)
    assert len(oof) == 2 and np.isfinite(oof[0].scores).all()
    packaged = {i for i, s in enumerate(samples) if s.family == PACKAGED_REAL}
    assert all(not (seen & packaged) for seen in trained_on)
    assert set(oof[0].per_family) == {"dalle-mini", "sdxl", "stylegan2"}


def test_calibration_on_held_out_scores_meets_its_false_positive_target() -> None:
    rng = np.random.default_rng(0)
    samples = _samples()
    labels = np.array([s.label for s in samples])
    x = rng.normal(size=(len(samples), 4)) + labels[:, None] * 2.0
    (oof,) = out_of_fold(
        samples, [x], lambda a, y: fit_logistic(a, y, 1.0), lambda m, a: m.decision(a)
    )
    cal = calibrate(oof, fpr=0.1, fnr=0.1, provenance={"data": "synthetic"})
    real = oof.scores[(labels == 0) & np.array([s.family != PACKAGED_REAL for s in samples])]
    assert (real >= cal.raw_threshold).mean() <= 0.1
    assert cal.human_below <= cal.ai_at
    assert cal.probability(float(np.max(oof.scores))) > cal.probability(float(np.min(oof.scores)))
    assert cal.holdout["per_family"] and cal.provenance == {"data": "synthetic"}
