"""The strings inside reminder links: quick-log tokens and unsubscribe tokens.

A quick-log token is 32 random bytes, signed (django.core.signing) so that a changed link is
refused before any database lookup; the database keeps only a SHA-256 of the random part.
An unsubscribe token is a signed (patient, kind) pair: it only ever turns a reminder off, so it
does not expire and needs no database row.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing

QUICK_LOG_SALT = "reminders.quick-log"
UNSUBSCRIBE_SALT = "reminders.unsubscribe"
MAX_TOKEN_LENGTH = 200


class BadToken(Exception):
    """The link was changed, cut short or never issued here."""


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def quick_log_token_new() -> tuple[str, str]:
    """(the signed token for the link, the hash to store)."""
    raw = secrets.token_urlsafe(32)
    return signing.Signer(salt=QUICK_LOG_SALT).sign(raw), token_hash(raw)


def quick_log_token_hash(signed: str) -> str:
    """The stored hash of a link's token; BadToken if the signature does not match."""
    if not signed or len(signed) > MAX_TOKEN_LENGTH:
        raise BadToken
    try:
        raw = signing.Signer(salt=QUICK_LOG_SALT).unsign(signed)
    except signing.BadSignature as error:
        raise BadToken from error
    return token_hash(raw)


def unsubscribe_token(patient_id: int, kind: str) -> str:
    return signing.dumps({"p": patient_id, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """(patient id, kind) of an unsubscribe token; BadToken if it was changed."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise BadToken
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise BadToken from error
    if not isinstance(value, dict) or not isinstance(value.get("p"), int):
        raise BadToken
    return value["p"], str(value.get("k", ""))
