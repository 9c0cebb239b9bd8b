"""API keys (header X-API-Key): only their sha256 is kept; roles admin and client; file rotation.

Keys come from settings (`DRIFTSCOPE_ADMIN_API_KEYS`, `DRIFTSCOPE_CLIENT_API_KEYS`: plain keys
or `sha256:<hex>` hashes) and from an optional keys file (`DRIFTSCOPE_API_KEYS_FILE`, lines
`<role> sha256:<hex> [name]`) that is re-read when it changes, so keys rotate without a restart.

401: no key, or a key that matches nothing. 403: a valid key without the needed role, or the
admin API switched off (no admin key configured at all).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from driftscope.errors import ForbiddenError, UnauthorizedError
from driftscope.settings import Settings

if TYPE_CHECKING:
    from driftscope_backend.runtime import Runtime

log = logging.getLogger(__name__)
ROLES = ("admin", "client")
HASH_PREFIX = "sha256:"
FILE_CHECK_INTERVAL_S = 1.0


def hash_key(key: str) -> str:
    """`sha256:<hex>` of a key. Keys are random tokens, so a fast hash is the right one."""
    return HASH_PREFIX + hashlib.sha256(key.encode()).hexdigest()


def _as_hash(entry: str) -> str:
    entry = entry.strip()
    if entry.startswith(HASH_PREFIX):
        digest = entry[len(HASH_PREFIX) :].lower()
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a sha256 key hash: {entry[:20]}…")
        return HASH_PREFIX + digest
    return hash_key(entry)


def _split(value: str) -> list[str]:
    return [part for part in (p.strip() for p in value.split(",")) if part]


def parse_keys_file(text: str) -> dict[str, str]:
    """`<role> <key or sha256:hex> [name]` per line (# comments) → {hash: role}."""
    keys: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) < 2 or parts[0] not in ROLES:
            raise ValueError(f"line {number}: expected '<admin|client> sha256:<hex> [name]'")
        keys[_as_hash(parts[1])] = parts[0]
    return keys


@dataclass
class KeyStore:
    """Key hashes → role, from settings plus a keys file polled for changes."""

    static: dict[str, str]
    keys_file: Path | None = None
    _from_file: dict[str, str] = field(default_factory=dict)
    _file_stamp: tuple[float, int] | None = None
    _checked_at: float = 0.0

    @classmethod
    def from_settings(cls, settings: Settings) -> KeyStore:
        static = {_as_hash(k): "client" for k in _split(settings.client_api_keys)}
        static.update({_as_hash(k): "admin" for k in _split(settings.admin_api_keys)})
        store = cls(static, settings.api_keys_file)
        store.refresh(force=True)
        return store

    def refresh(self, *, force: bool = False) -> None:
        """Re-read the keys file when its mtime or size changed (at most once a second)."""
        now = time.monotonic()
        if self.keys_file is None or (not force and now - self._checked_at < FILE_CHECK_INTERVAL_S):
            return
        self._checked_at = now
        try:
            stat = self.keys_file.stat()
            stamp = (stat.st_mtime, stat.st_size)
            if stamp == self._file_stamp:
                return
            self._from_file = parse_keys_file(self.keys_file.read_text())
            self._file_stamp = stamp
            log.info("API keys file loaded", extra={"keys": len(self._from_file)})
        except (OSError, ValueError) as exc:
            # Keep the last good set: a half-written file must not lock everyone out.
            log.error("API keys file %s not loaded: %s", self.keys_file, exc)

    def role_of(self, key: str) -> str | None:
        self.refresh()
        digest = hash_key(key)
        return self._from_file.get(digest) or self.static.get(digest)

    @property
    def has_admin(self) -> bool:
        self.refresh()
        return "admin" in self.static.values() or "admin" in self._from_file.values()


def authenticate(store: KeyStore, given: str | None, *, role: str) -> str:
    """The caller's role if it may act as `role` (admin may do what a client may)."""
    if role == "admin" and not store.has_admin:
        raise ForbiddenError("admin API disabled: set DRIFTSCOPE_ADMIN_API_KEYS")
    if not given:
        raise UnauthorizedError(
            f"{role} action: send the X-API-Key header",
            [{"field": "X-API-Key", "reason": "missing"}],
        )
    found = store.role_of(given)
    if found is None:
        raise UnauthorizedError(
            "X-API-Key is not valid", [{"field": "X-API-Key", "reason": "unknown key"}]
        )
    if role == "admin" and found != "admin":
        raise ForbiddenError(
            "this API key may not perform admin actions",
            [{"field": "X-API-Key", "reason": f"role '{found}' lacks 'admin'"}],
        )
    return found


def require_admin(request: Request) -> str:
    store: KeyStore = request.app.state.runtime.keys
    return authenticate(store, request.headers.get("x-api-key"), role="admin")


def require_client(request: Request) -> str | None:
    """For prediction endpoints: a key is needed only when DRIFTSCOPE_REQUIRE_PREDICT_KEY is on."""
    return check_client(request.app.state.runtime, request)


def check_client(runtime: Runtime, request: Request) -> str | None:
    """`require_client` for an endpoint that already holds the runtime (the hot routes: no
    second lookup through `request.app.state`)."""
    if not runtime.settings.require_predict_key:
        return None
    return authenticate(runtime.keys, request.headers.get("x-api-key"), role="client")


AdminDep = Annotated[str, Depends(require_admin)]
ClientDep = Annotated[str | None, Depends(require_client)]
