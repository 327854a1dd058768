"""Which addresses a server-side fetch may reach (SSRF protection).

Names are resolved here, every resolved address is checked, and the connection is then
made to the checked address itself (``url.py``), so a name that resolves differently a
moment later (DNS rebinding) cannot slip a private address past the check. Redirects go
through the same check, hop by hop.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from detection.validation import InputError

from .conf import value

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchRefused(InputError):
    def __init__(self, message: str, *, code: str = "url_refused", status: int = 400) -> None:
        super().__init__(message, code=code, status=status)


def _allowed_networks() -> list[Any]:
    networks = []
    for item in value("URL_FETCH_ALLOWED_NETWORKS"):
        networks.append(ipaddress.ip_network(str(item), strict=False))
    return networks


def _public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback
    # is_global is False for loopback, private (RFC 1918, ULA), link-local (169.254/16,
    # the cloud metadata address), shared (100.64/10), reserved and documentation ranges.
    return address.is_global and not address.is_multicast


def check_address(address: Address) -> None:
    if any(address in network for network in _allowed_networks()):
        return
    if not _public(address):
        raise FetchRefused(
            f"the address {address} is not a public one (loopback, private, link-local or "
            "reserved); the server does not fetch from it"
        )


def resolve(host: str, port: int) -> Address:
    """The first address of ``host`` once every address it resolves to passed the check."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"the host {host!r} could not be resolved") from exc
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        check_address(address)  # one private address among public ones still refuses
        addresses.append(address)
    if not addresses:
        raise FetchRefused(f"the host {host!r} has no address")
    return addresses[0]
