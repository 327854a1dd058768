"""Fetch a URL for analysis: http/https only, a connect/read timeout and an overall
deadline, at most URL_FETCH_MAX_REDIRECTS redirects, a byte cap, and every hop's address
checked after DNS resolution (``guard``) and connected to directly.

Certificates are verified against the URL's host name, as a browser would, although the
socket goes to the address that was checked.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from .conf import value
from .guard import Address, FetchRefused, resolve

REDIRECTS = (301, 302, 303, 307, 308)
USER_AGENT = "aidetect-fetch/1.0 (+content check requested by a user)"


@dataclass
class Fetched:
    url: str  # what was asked for
    final_url: str  # after redirects
    address: str  # the address the body came from
    content_type: str
    body: bytes
    redirects: int


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((str(self._address), self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: Address, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((str(self._address), self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]


def _split(url: str) -> tuple[str, str, int, str]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs are fetched, not {scheme or 'this'!r}")
    if not parts.hostname:
        raise FetchRefused("the URL has no host")
    if parts.username or parts.password:
        raise FetchRefused("URLs with credentials are not fetched")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise FetchRefused("the URL's port is not valid") from exc
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return scheme, parts.hostname, port, path


def _read_capped(response: http.client.HTTPResponse, cap: int, deadline: float) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > cap:
        raise FetchRefused(
            f"the resource is {int(declared):,} bytes; the limit is {cap:,}",
            code="too_large",
            status=413,
        )
    chunks, total = [], 0
    while block := response.read(64 * 1024):
        total += len(block)
        if total > cap:
            raise FetchRefused(
                f"the resource is larger than {cap:,} bytes", code="too_large", status=413
            )
        if time.monotonic() > deadline:
            raise FetchRefused("the fetch took too long", code="fetch_timeout", status=400)
        chunks.append(block)
    return b"".join(chunks)


def fetch(url: str, *, max_bytes: int) -> Fetched:
    """GET ``url`` under the rules above. Raises FetchRefused (a 4xx InputError)."""
    timeout = float(value("URL_FETCH_TIMEOUT_S"))
    deadline = time.monotonic() + float(value("URL_FETCH_DEADLINE_S"))
    current = url
    for hop in range(int(value("URL_FETCH_MAX_REDIRECTS")) + 1):
        scheme, host, port, path = _split(current)
        address = resolve(host, port)
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = kind(host, port, address, timeout)
        try:
            connection.request("GET", path, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
            response = connection.getresponse()
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise FetchRefused(f"redirect {response.status} without a Location")
                current = urljoin(current, location)
                continue
            if response.status != 200:
                raise FetchRefused(
                    f"the server answered {response.status} for {current}", code="fetch_failed"
                )
            body = _read_capped(response, max_bytes, deadline)
            content_type = response.getheader("Content-Type", "") or ""
        except (OSError, http.client.HTTPException) as exc:
            # socket.timeout and ssl errors are OSErrors.
            raise FetchRefused(
                f"could not fetch {current}: {type(exc).__name__}", code="fetch_failed"
            ) from exc
        finally:
            connection.close()
        return Fetched(url, current, str(address), content_type, body, hop)
    raise FetchRefused(f"more than {value('URL_FETCH_MAX_REDIRECTS')} redirects")
