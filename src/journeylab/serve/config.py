"""``ServeConfig``: how ``journeylab serve`` runs, checked once before anything binds."""

from __future__ import annotations

import ipaddress
import math
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

from journeylab.errors import InputError, invalid

__all__ = [
    "DEFAULT_PORT",
    "KEY_ENV",
    "MAX_BODY_BYTES",
    "MAX_EVENTS",
    "ServeConfig",
    "is_loopback",
]

DEFAULT_PORT = 8787
KEY_ENV = "JOURNEYLAB_WRITE_KEY"
#: at most this many events, and this many bytes (decompressed), per request
MAX_EVENTS = 500
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ServeConfig:
    """One server: the lake it lands events in, where it listens, who may write.

    - ``write_key``: required on every write (``Authorization: Bearer KEY``, or Basic with
      the key as the user name); without one, only a loopback address may be bound.
    - ``cors_origins``: origins browsers may post from (``*``: any); none by default.
    - ``flush_events`` / ``flush_seconds``: the log is landed in the lake once this many
      events wait, or once the oldest has waited this long.
    """

    lake: Path
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    write_key: str | None = None
    cors_origins: tuple[str, ...] = ()
    flush_events: int = 100_000
    flush_seconds: float = 2.0
    max_events: int = field(default=MAX_EVENTS, repr=False)
    max_body_bytes: int = field(default=MAX_BODY_BYTES, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.port, int) or not 0 <= self.port <= 65535:
            raise invalid("--port", self.port, "a port number from 0 to 65535")
        if not isinstance(self.flush_events, int) or self.flush_events < 1:
            raise invalid("--flush-events", self.flush_events, "a whole number of at least 1")
        seconds = self.flush_seconds
        if not isinstance(seconds, int | float) or not math.isfinite(seconds) or seconds <= 0:
            raise invalid("--flush-seconds", seconds, "a number of seconds above 0")
        if self.write_key is not None:
            check_key(self.write_key)
        for origin in self.cors_origins:
            if origin != "*" and not origin.startswith(("http://", "https://")):
                raise invalid(
                    "--cors-origin",
                    origin,
                    "'*' or an origin such as 'http://localhost:3000'",
                )
        if self.write_key is None and not is_loopback(self.host):
            raise InputError(
                f"Invalid value for --host: {self.host!r} is not a loopback address and no "
                f"write key is set, so anyone who can reach it could write events. Pass "
                f"--write-key KEY (or set {KEY_ENV}), or bind 127.0.0.1."
            )

    @classmethod
    def from_env(cls, lake: str | os.PathLike[str], **kw: object) -> ServeConfig:
        """A config whose ``write_key``, when not given, comes from JOURNEYLAB_WRITE_KEY."""
        if kw.get("write_key") is None:
            kw["write_key"] = os.environ.get(KEY_ENV) or None
        return cls(Path(lake), **kw)  # type: ignore[arg-type]


def check_key(key: str) -> None:
    """A write key is 8 to 256 visible ASCII characters without ``:`` (so it can be sent
    as a Bearer token and as a Basic user name)."""
    ok = isinstance(key, str) and 8 <= len(key) <= 256
    ok = ok and all(33 <= ord(c) <= 126 and c != ":" for c in key)
    if not ok:
        raise invalid(
            "--write-key",
            "<hidden>",
            "8 to 256 visible ASCII characters without ':' (e.g. from `openssl rand -hex 24`)",
        )


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback address."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    if host == "localhost":
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)
