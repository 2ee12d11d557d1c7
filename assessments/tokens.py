"""Link tokens: invitation links, shared result links, projector links.

A link's token is never stored. The row keeps a random seed and the token's SHA-256
hash: the hash finds the row when the link is opened, and the seed (with an HMAC
under SECRET_KEY and the link kind's salt) gives the token back when the consultant
asks for the link again. Revoking clears both; issuing again replaces both, so the
old link stops working. A rotated SECRET_KEY makes old tokens unrecoverable:
`token_recover` then says None rather than hand out a link that does not work.
"""

import hashlib
import secrets

from django.utils.crypto import salted_hmac

__all__ = ["token_hash", "token_issue", "token_recover"]


def token_hash(token: str) -> str:
    """The stored form of a token (what a lookup by token compares)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _token_from_seed(salt: str, seed: str) -> str:
    return salted_hmac(salt, seed, algorithm="sha256").hexdigest()


def token_issue(salt: str) -> tuple[str, str, str]:
    """A fresh (seed, token, hash) for a link of the kind `salt` names."""
    seed = secrets.token_hex(16)
    token = _token_from_seed(salt, seed)
    return seed, token, token_hash(token)


def token_recover(salt: str, seed: str, hashed: str | None) -> str | None:
    """The link's current token from its seed, or None when it was revoked or
    SECRET_KEY has changed since it was issued."""
    if not seed or not hashed:
        return None
    token = _token_from_seed(salt, seed)
    return token if token_hash(token) == hashed else None
