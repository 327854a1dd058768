"""Posts: several parts (caption, images, audio, video) checked together, one detection
per part on the ordinary execution path, fused into one verdict with the disagreements."""
