"""Provenance checks: C2PA Content Credentials, generator metadata, invisible watermarks."""
