"""The production scenario's identity provider: an RSA signing key on this machine, the JWKS the
database host serves to the Temporal servers (temporal_server_jwt_key_source_uris), and tokens
signed with it, as a real provider issues them (RS256, a kid, sub, the permissions claim).

    python3 idp.py DIR    make DIR/signing-key.pem, DIR/jwks.json and DIR/<name>.jwt for TOKENS,
                          once: a later run keeps them, so the inventory's tokens stay the same

The checks mint more with token()."""

import base64
import hashlib
import json
import os
import sys
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# The tokens the inventory and the checks use: name -> (sub, permissions).
TOKENS = {
    # The operator: the whole cluster (the checks' CLI and SDK clients).
    "operator": ("operator@temporalops.test", ["temporal-system:admin"]),
    # The example worker: its namespace only (polling and completing need write).
    "greeter": ("greeter-worker", ["orders:write"]),
    # A reader in the web UI, as an authenticating proxy in front of it passes the token on. The
    # UI lists the namespaces, which Temporal's default authorizer counts as a read of the cluster.
    "ui": ("ui-reader@temporalops.test", ["temporal-system:read"]),
}
# A month: the scenario's runs never see one expire.
LIFETIME = 30 * 24 * 3600


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _number(value):
    return _b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


def _key(directory):
    with open(os.path.join(directory, "signing-key.pem"), "rb") as handle:
        return serialization.load_pem_private_key(handle.read(), password=None)


def _kid(public):
    numbers = public.public_numbers()
    return hashlib.sha256(("%s.%s" % (numbers.n, numbers.e)).encode()).hexdigest()[:16]


def jwks(key):
    """The JWKS of KEY's public half."""
    public = key.public_key()
    numbers = public.public_numbers()
    return {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": _kid(public),
                      "n": _number(numbers.n), "e": _number(numbers.e)}]}


def token(directory, subject, permissions, lifetime=LIFETIME, key=None, **claims):
    """A JWT for SUBJECT with PERMISSIONS, signed with DIRECTORY's key (or KEY)."""
    key = key or _key(directory)
    header = {"alg": "RS256", "typ": "JWT", "kid": _kid(key.public_key())}
    now = int(time.time())
    payload = dict({"sub": subject, "permissions": list(permissions), "iat": now, "exp": now + lifetime,
                    "iss": "https://idp.temporalops.test"}, **claims)
    signed = "%s.%s" % (_b64(json.dumps(header).encode()), _b64(json.dumps(payload).encode()))
    signature = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return "%s.%s" % (signed, _b64(signature))


def _write(path, text, mode):
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(text)


def provide(directory):
    """The key, the JWKS and the TOKENS in DIRECTORY, made once."""
    os.makedirs(directory, mode=0o700, exist_ok=True)
    key_path = os.path.join(directory, "signing-key.pem")
    if not os.path.exists(key_path):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        _write(key_path, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode(), 0o600)
    key = _key(directory)
    if not os.path.exists(os.path.join(directory, "jwks.json")):
        _write(os.path.join(directory, "jwks.json"), json.dumps(jwks(key), indent=2) + "\n", 0o644)
    for name, (subject, permissions) in TOKENS.items():
        if not os.path.exists(os.path.join(directory, name + ".jwt")):
            _write(os.path.join(directory, name + ".jwt"), token(directory, subject, permissions, key=key), 0o600)


if __name__ == "__main__":
    provide(sys.argv[1])
