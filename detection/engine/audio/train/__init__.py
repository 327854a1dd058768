"""Offline training and calibration of the audio detectors (train_audio_head, calibrate_audio)."""
