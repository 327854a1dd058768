"""Offline training, calibration and evaluation of the text detectors (no Django)."""
