"""Human labels: an owner says whether a detection or post was really AI-made or human-made;
staff read them as field accuracy per detector version and export them for recalibration."""
