"""The one strict reading of a Bot Connector service URL: refuse what parsers disagree on, normalise the rest.

botbuilder sends the bot's bearer token to whatever `serviceUrl` says, and the libraries involved read URLs
differently (`urllib.parse` takes the host after an `@`, urllib3 stops the authority at a backslash, both drop
tabs and newlines silently). So a service URL is accepted only in a form every parser reads the same way:

* absolute `https://host[:443]/path` (`http` and any port only for a loopback host, and only in local mode);
* no userinfo (`@`), no backslash, no whitespace or control character anywhere, no `%` anywhere (Teams service
  URLs never carry one), no query or fragment, only RFC 3986 path characters;
* the host lower-cased, one trailing dot removed, IDNA-encoded; a non-ASCII label must become an `xn--` label
  (full-width letters or ideographic dots that IDNA maps onto ASCII are look-alikes and refused);
* the host compared exactly (no suffix rule) with the allow-list, normalised the same way.

`check` returns the normalised URL (`https://smba.trafficmanager.net/emea/`), which is the only one stored and
sent to, or a refusal code (data, never a sentence).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from encodings import idna

MAX_LENGTH = 400  # the width of conversations.service_url
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})
DEFAULT_PORTS = {"https": 443, "http": 80}

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_PATH = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/]*")
_ASCII_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
_PORT = re.compile(r"[1-9][0-9]{0,4}")
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Zs", "Zl", "Zp"})


@dataclass(frozen=True)
class ServiceUrlCheck:
    """`url` is the normalised URL when accepted; otherwise `refusal` says why (a short code)."""

    url: str | None
    refusal: str | None = None
    host: str = ""  # the normalised host when it could be read (for logs), else ""

    @property
    def ok(self) -> bool:
        return self.url is not None


def _refuse(code: str, host: str = "") -> ServiceUrlCheck:
    return ServiceUrlCheck(url=None, refusal=code, host=host)


def normalise_host(text: str) -> str | None:
    """Lower case, one trailing dot removed, IDNA; None when it is not a plain DNS name or IP literal."""
    if text.startswith("["):
        if not text.endswith("]"):
            return None
        try:
            return f"[{ipaddress.IPv6Address(text[1:-1]).compressed}]"
        except ValueError:
            return None
    host = text.lower()
    if host.endswith("."):
        host = host[:-1]
    if not host or len(host) > 253:
        return None
    labels = []
    for label in host.split("."):
        if label.isascii():
            encoded = label
        else:
            try:
                encoded = idna.ToASCII(label).decode("ascii").lower()
            except UnicodeError:
                return None
            if not encoded.startswith("xn--"):
                return None  # e.g. full-width letters that IDNA folds onto an ASCII name: a look-alike
        if not _ASCII_LABEL.fullmatch(encoded) or len(encoded) > 63:
            return None
        labels.append(encoded)
    return ".".join(labels)


def _split(raw: str) -> tuple[str, str, str] | str:
    """(scheme, authority, path), or a refusal code for anything two parsers could read differently."""
    if len(raw) > MAX_LENGTH:
        return "too_long"
    if any(unicodedata.category(ch) in _INVISIBLE for ch in raw):
        return "control_or_space"
    if "\\" in raw:
        return "backslash"
    scheme, separator, rest = raw.partition("://")
    if not separator or not _SCHEME.fullmatch(scheme):
        return "not_absolute"
    if scheme.lower() not in DEFAULT_PORTS:
        return "scheme_not_allowed"
    split = re.search(r"[/?#]", rest)
    authority, remainder = (rest[: split.start()], rest[split.start() :]) if split else (rest, "")
    if "@" in authority:
        return "userinfo"
    if "%" in authority:
        return "percent_in_authority"
    if "?" in remainder or "#" in remainder:
        return "query_or_fragment"
    if "%" in remainder:
        return "percent_in_path"
    path = remainder or "/"
    if not _PATH.fullmatch(path):
        return "bad_path"
    return scheme.lower(), authority, path


def _host_and_port(authority: str) -> tuple[str, int | None] | str:
    """(normalised host, port or None), or a refusal code."""
    if authority.startswith("["):
        close = authority.find("]")
        host_text, port_part = (authority[: close + 1], authority[close + 1 :]) if close >= 0 else (authority, "")
    else:
        host_text, colon, port_text = authority.partition(":")
        port_part = colon + port_text
    if not host_text:
        return "empty_host"
    port: int | None = None
    if port_part:
        if not port_part.startswith(":") or not _PORT.fullmatch(port_part[1:]) or int(port_part[1:]) > 65535:
            return "bad_port"
        port = int(port_part[1:])
    host = normalise_host(host_text)
    if host is None:
        return "bad_host"
    return host, port


def check(raw: object, *, allowed_hosts: Iterable[str], local: bool) -> ServiceUrlCheck:
    """Read `raw` strictly; accept it only for an allow-listed host (or loopback when `local`)."""
    if not isinstance(raw, str) or not raw:
        return _refuse("empty")
    parts = _split(raw)
    if isinstance(parts, str):
        return _refuse(parts)
    scheme, authority, path = parts
    where = _host_and_port(authority)
    if isinstance(where, str):
        return _refuse(where)
    host, port = where
    if host in LOOPBACK_HOSTS:
        if not local:
            return _refuse("loopback_not_allowed", host)
    elif scheme != "https":
        return _refuse("scheme_not_https", host)
    elif port not in (None, 443):
        return _refuse("port_not_allowed", host)
    elif host not in {normalise_host(h) for h in allowed_hosts}:
        return _refuse("host_not_allowed", host)
    shown_port = "" if port in (None, DEFAULT_PORTS[scheme]) else f":{port}"
    return ServiceUrlCheck(url=f"{scheme}://{host}{shown_port}{path}", host=host)
