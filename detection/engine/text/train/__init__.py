"""Offline training, calibration and evaluation of the text detectors (manage.py commands)."""
