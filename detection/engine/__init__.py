"""Detectors: plain Python (numpy, torch, onnxruntime), no Django import.

Importing this package is cheap and never imports torch: detector modules are loaded
lazily by :mod:`detection.engine.registry` on first use, so the web process can read
specs, sniff content and probe availability without pulling model code in.
"""
