"""Checks of the finished image detectors that the training command records.

``package_photo_check``: verdicts of the shipped ``image.ensemble`` on the photos Python
packages ship (none trained on); ``provenance_scan``: how often each provenance rule fires
on the labelled set. Training itself is :mod:`.train_heads`.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import heads
from .dataset import data_dir, load_manifest

Report = Callable[[str], None]


# Real photographs that scikit-image, scikit-learn and matplotlib ship (microscopy, medical,
# astronomy and greyscale ones included). None is trained on; the manifest's packaged rows
# are a subset of these.
PACKAGE_PHOTOS = {
    "skimage": [
        "astronaut.png",
        "brick.png",
        "camera.png",
        "cell.png",
        "chelsea.png",
        "coffee.png",
        "coins.png",
        "grass.png",
        "gravel.png",
        "hubble_deep_field.jpg",
        "ihc.png",
        "microaneurysms.png",
        "moon.png",
        "motorcycle_left.png",
        "motorcycle_right.png",
        "page.png",
        "retina.jpg",
        "rocket.jpg",
        "text.png",
    ],
    "sklearn": ["china.jpg", "flower.jpg"],
    "matplotlib": ["grace_hopper.jpg"],
}
_PACKAGE_DIRS = {
    "skimage": "data",
    "sklearn": "datasets/images",
    "matplotlib": "mpl-data/sample_data",
}


def package_photos() -> list[Path]:
    paths = []
    for package, names in PACKAGE_PHOTOS.items():
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        folder = Path(spec.submodule_search_locations[0]) / _PACKAGE_DIRS[package]
        paths += [folder / n for n in names if (folder / n).is_file()]
    return paths


def package_photo_check() -> dict[str, Any]:
    """Verdicts of the finished ensemble on every package-shipped photo (all real)."""
    from ..ensemble import ImageEnsemble

    ensemble = ImageEnsemble()
    ensemble.load()
    paths = package_photos()
    results = ensemble.detect_batch(paths)
    by_verdict: dict[str, list[str]] = {"ai": [], "uncertain": [], "human": []}
    for path, result in zip(paths, results, strict=True):
        by_verdict[result.verdict].append(f"{path.name} ({result.probability_ai:.2f})")
    return {
        "n": len(paths),
        "called_ai": by_verdict["ai"],
        "uncertain": by_verdict["uncertain"],
        "called_human": by_verdict["human"],
        "false_positive_rate": round(len(by_verdict["ai"]) / max(1, len(paths)), 4),
    }


def provenance_scan(report: Report = print) -> dict[str, Any]:
    """How often each provenance rule fires on the labelled set (real photos: false alarms)."""
    from ...errors import InputRejected
    from ..provenance.detector import POLICY_PATH, ProvenanceDetector
    from ..validate import open_image

    detector = ProvenanceDetector()
    detector.load()
    counts: dict[str, dict[str, int]] = {"ai": {}, "real": {}}
    totals = {"ai": 0, "real": 0}
    for i, sample in enumerate(load_manifest()):
        label = "ai" if sample.label else "real"
        try:
            result = detector.analyse(sample.path, open_image(sample.path))
        except InputRejected:
            continue
        totals[label] += 1
        for finding in result.evidence["findings"]:
            key = f"{finding['kind']}:{finding['strength']}:{finding['points_to']}"
            counts[label][key] = counts[label].get(key, 0) + 1
        if (i + 1) % 200 == 0:
            report(f"  provenance {i + 1} images")
    measured = {
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "data": str(data_dir()),
        "images": totals,
        "findings_per_class": counts,
    }
    policy = json.loads(POLICY_PATH.read_text())
    policy["measured"] = measured
    POLICY_PATH.write_text(json.dumps(policy, indent=2) + "\n")
    return measured


def record_package_photos(report: Report = print) -> dict[str, Any]:
    """Run :func:`package_photo_check` and store it in ``ensemble.json``'s hold-out block."""
    photos = package_photo_check()
    config = json.loads(heads.ENSEMBLE_CONFIG.read_text())
    config["holdout"]["package_photos"] = photos
    heads.ENSEMBLE_CONFIG.write_text(json.dumps(config, indent=1, sort_keys=True) + "\n")
    report(f"  called ai: {photos['called_ai']}")
    return photos
