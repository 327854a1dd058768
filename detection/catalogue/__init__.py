"""What each detector is and how well it measured on held-out data (GET /api/v1/detectors/)."""
