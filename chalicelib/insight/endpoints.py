"""Webhook endpoints that cannot reach inside: URL and address rules (pure; no network).

A host is judged by the address it means, not by how it is spelt: every IPv4 spelling that
the C library's inet_aton (and so curl, urllib and most HTTP clients) accepts is normalised
first (`2852039166`, `0x7f000001`, `127.1`, `0177.0.0.1`), IPv6 addresses that embed an IPv4
one (mapped, NAT64, 6to4, Teredo) are judged by the embedded address, and a trailing dot
(`localhost.`) is dropped. Names are judged again by what they resolve to at delivery
(webhooks.py), where the connection goes to the very address that was checked.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from chalicelib.errors import InvalidInputError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".intranet", ".lan")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_HTTP = ipaddress.IPv4Address("127.0.0.1")


@dataclass(frozen=True)
class Endpoint:
    """A checked webhook URL: where to connect and what to ask for."""

    scheme: str
    host: str  # normalised: lower case, no trailing dot, an address in its canonical form
    port: int
    target: str  # path and query, as sent in the request line
    address: Address | None  # the host as an address, when it is one

    @property
    def is_local_http(self) -> bool:
        return self.scheme == "http"


def ipv4_of(text: str) -> ipaddress.IPv4Address | None:
    """The IPv4 address any inet_aton spelling means (1 to 4 parts; decimal, 0-octal, 0x-hex)."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(parts):
        return None
    numbers = []
    for part in parts:
        base = 16 if part.lower().startswith("0x") else 8 if part.startswith("0") and len(part) > 1 else 10
        digits = part[2:] if base == 16 else part
        try:
            numbers.append(int(digits or "0", base))
        except ValueError:
            return None
    *leading, last = numbers
    if any(not 0 <= n <= 255 for n in leading) or not 0 <= last < 256 ** (5 - len(numbers)):
        return None
    value = last
    for i, n in enumerate(leading):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def address_of(host: str) -> Address | None:
    """The host as an address, however spelt; None for a name."""
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return ipv4_of(host)


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4, Teredo client)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    return None


def is_public(address: Address) -> bool:
    """Reachable on the public Internet: not loopback, private, link-local, multicast, reserved,
    shared (CGNAT), unspecified or documentation, nor an IPv6 form of one of those."""
    inner = embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    return bool(address.is_global) and not (address.is_multicast or address.is_reserved)


def is_local_name(host: str) -> bool:
    """A name that means this machine or a private network, whatever it resolves to."""
    return host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES) or "." not in host


def parse(url: str, allow_local_http: bool) -> Endpoint:
    """A webhook URL checked: https to a public host (plain http to 127.0.0.1 only when allowed)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise InvalidInputError("url", "is not a valid URL") from None
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise InvalidInputError("url", "must be an https:// URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidInputError("url", "must not carry a user name or password")
    address = address_of(host)
    default_port = 443 if parts.scheme == "https" else 80
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    endpoint = Endpoint(parts.scheme, str(address) if address else host, port or default_port, target, address)
    if parts.scheme == "http":
        if allow_local_http and (address == _LOCAL_HTTP or host == "localhost"):
            return endpoint
        raise InvalidInputError("url", "must be an https:// URL")
    if (address is not None and not is_public(address)) or (address is None and is_local_name(host)):
        raise InvalidInputError("url", "must not point at a private or local address")
    return endpoint
