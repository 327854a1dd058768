"""Training and calibration of the image heads (used by manage.py train_image_head)."""
