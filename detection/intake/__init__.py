"""Inputs the server fetches itself (a URL), with SSRF protection."""
