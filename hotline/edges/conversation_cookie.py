"""The conversation cookie: Flask's signed session cookie, made cheaper to read and sign.

Flask builds a new signing serializer twice per request, derives the signing key again for every
signature, tries to zlib-compress every cookie (setting up a compressor costs more than all the
rest of the signing) and runs its tagged JSON (for dates, bytes, tuples...) over what the hotline
keeps, which is plain strings and numbers. This interface builds the serializer once per secret,
derives each key once, writes plain JSON with the same options, uncompressed. Flask's own
interface reads its cookies and it reads Flask's (tests/test_sms.py checks both ways), so a
conversation signed before a deploy still goes on after it.
"""

from __future__ import annotations

import json

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer


class PlainJSON:
    """Dump and load cookie data as compact, key-sorted JSON: what Flask's tagged serializer writes for plain data."""

    @staticmethod
    def dumps(value: object) -> str:
        """Dump plain data the way flask.json.tag.TaggedJSONSerializer does."""
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    @staticmethod
    def loads(value: str | bytes) -> object:
        """Load what dumps wrote (only a cookie with a valid signature gets here)."""
        return json.loads(value)


class KeyKeepingSigner(TimestampSigner):
    """itsdangerous' signer, deriving each secret's key once instead of on every sign and check."""

    derived: dict[tuple, bytes] = {}  # (secret, salt, derivation, digest) -> key; a handful of entries

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """Return the derived key, computed the first time for this secret."""
        index = (secret_key if secret_key is not None else self.secret_keys[-1], self.salt, self.key_derivation,
                 self.digest_method)
        if index not in self.derived:
            self.derived[index] = super().derive_key(secret_key)
        return self.derived[index]


class UncompressedSerializer(URLSafeTimedSerializer):
    """itsdangerous' URL-safe serializer without the compression attempt: a few dozen bytes more per cookie."""

    def dump_payload(self, obj: object) -> bytes:
        """Encode the JSON as URL-safe base64 (load_payload still reads compressed cookies: '.' first)."""
        return base64_encode(Serializer.dump_payload(self, obj))


class ConversationCookie(SecureCookieSessionInterface):
    """Flask's signed cookie sessions with the signer built once per secret key."""

    serializer = PlainJSON()

    def __init__(self) -> None:
        self._signers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the signer for the app's current secret (and fallbacks), built the first time."""
        if not app.secret_key:
            return None
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if key not in self._signers:  # as Flask builds it: the fallbacks first, the current key last
            self._signers[key] = UncompressedSerializer(
                [*key[1], key[0]], salt=self.salt, serializer=self.serializer, signer=KeyKeepingSigner,
                signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method})
        return self._signers[key]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Read the cookie as Flask does (a bad signature is a fresh start), without its error for no cookie."""
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        cookies, name = request.cookies, self.get_cookie_name(app)
        value = cookies[name] if name in cookies else None  # most texts start a conversation: no cookie yet
        if not value:
            return self.session_class()
        try:
            return self.session_class(signer.loads(value, max_age=int(app.permanent_session_lifetime.total_seconds())))
        except BadSignature:
            return self.session_class()
