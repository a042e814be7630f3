# -*- coding: utf-8 -*-
# Copyright (c) temporalops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Certificates for Temporal's TLS, as pure functions (tested with pytest):

- the checks of what a PKI gives (a CA, a certificate, its key, the names it must carry), one
  message per problem, naming the setting;
- the small CA the collection keeps on the controller for sites without a PKI: a CA, keys, and
  certificates issued or renewed when one is missing, expiring, for other names or another CA.

Controller-side: it needs the cryptography library, which ansible-core itself requires. Every
function takes the time to judge by (NOW, an aware datetime), so a test can move it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import ipaddress

try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    HAS_CRYPTOGRAPHY = True
except ImportError:  # a host's Python: the modules never import this file
    HAS_CRYPTOGRAPHY = False

# Usages: a node's certificate serves (frontend, internode) and connects (internode, its own
# calls); a server's only serves (the database, the UI's HTTPS: issued by the nodes' CA, whose
# certificates open the nodes' internal ports, so it must not connect); a client's only connects.
USAGES = ('node', 'server', 'client')
_EXTENDED_USAGES = {'node': ('SERVER_AUTH', 'CLIENT_AUTH'), 'server': ('SERVER_AUTH',), 'client': ('CLIENT_AUTH',)}


def _utc(value):
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def _not_before(cert):
    return _utc(getattr(cert, 'not_valid_before_utc', None) or cert.not_valid_before)


def _not_after(cert):
    return _utc(getattr(cert, 'not_valid_after_utc', None) or cert.not_valid_after)


def _text(pem):
    return pem.decode() if isinstance(pem, bytes) else '%s' % (pem or '',)


def load_certificates(pem):
    """The certificates of PEM text, first the leaf; ValueError when it holds none."""
    text = _text(pem)
    marker = '-----BEGIN CERTIFICATE-----'
    blocks = [marker + part for part in text.split(marker)[1:]]
    if not blocks:
        raise ValueError('holds no PEM certificate (-----BEGIN CERTIFICATE-----)')
    try:
        return [x509.load_pem_x509_certificate(block.encode()) for block in blocks]
    except ValueError as e:
        raise ValueError('holds a PEM certificate that does not load: %s' % e)


def load_key(pem):
    """The private key of PEM text (unencrypted); ValueError otherwise."""
    try:
        return serialization.load_pem_private_key(_text(pem).encode(), password=None)
    except (ValueError, TypeError) as e:
        raise ValueError('is not an unencrypted PEM private key (%s)' % e)


def _same_key(cert, key):
    def public_bytes(public):
        return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return public_bytes(cert.public_key()) == public_bytes(key.public_key())


def _signed_by(cert, ca):
    if cert.issuer != ca.subject:
        return False
    try:
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature, AttributeError):
        return False
    return True


def _chains_to(chain, cas):
    """Whether the leaf of CHAIN (leaf first, then intermediates) leads to one of CAS."""
    current, rest = chain[0], list(chain[1:])
    for _step in range(len(chain)):
        if any(_signed_by(current, ca) for ca in cas):
            return True
        parents = [cert for cert in rest if _signed_by(current, cert)]
        if not parents:
            return False
        current = parents[0]
        rest.remove(current)
    return False


def _is_ca(cert):
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _usages(cert):
    """The extended key usages of CERT, None when it names none (any usage)."""
    try:
        return list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        return None


def names_of(cert):
    """The DNS names and IP addresses of CERT's subjectAltName, as text."""
    try:
        sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return list(sans.get_values_for_type(x509.DNSName)) + [
        '%s' % address for address in sans.get_values_for_type(x509.IPAddress)]


def _carries(names, wanted):
    try:
        return '%s' % ipaddress.ip_address(wanted) in names
    except ValueError:
        return wanted.lower() in [name.lower() for name in names]


def missing_names(cert, wanted):
    """The names of WANTED that CERT's subjectAltName does not carry."""
    names = names_of(cert)
    return [name for name in wanted if not _carries(names, name)]


def _when(value):
    return value.strftime('%Y-%m-%d %H:%M UTC')


def problems(settings, ca_pem, cert_pem, key_pem, names, now, serves_only=False):
    """What is wrong with a CA, a certificate and its key, one message per problem.

    SETTINGS names the three in the messages ({'ca': ..., 'cert': ..., 'key': ...}: the settings,
    with the host). NAMES are the names and addresses others reach the certificate's holder by.
    KEY_PEM None checks a certificate alone (a CA, given as its own CA); CA_PEM None checks no
    CA (the holder's clients bring theirs). A certificate that SERVES_ONLY (a database's) needs
    serverAuth only; otherwise a node both serves and connects with it."""
    found = []
    cas = []
    try:
        cas = [] if ca_pem is None else load_certificates(ca_pem)
    except ValueError as e:
        found.append('%s %s' % (settings['ca'], e))
    for ca in cas:
        if not (now >= _not_before(ca) and now <= _not_after(ca)):
            found.append('%s: the CA certificate %s is valid from %s to %s, not now (%s)' % (
                settings['ca'], ca.subject.rfc4514_string(), _when(_not_before(ca)), _when(_not_after(ca)), _when(now)))
        if not _is_ca(ca):
            found.append('%s: %s is not a CA certificate (its basicConstraints do not say CA:TRUE)' % (
                settings['ca'], ca.subject.rfc4514_string()))
    try:
        chain = load_certificates(cert_pem)
    except ValueError as e:
        return found + ['%s %s' % (settings['cert'], e)]
    cert = chain[0]
    if now < _not_before(cert):
        found.append('%s: the certificate is not valid yet: from %s (now %s)' % (
            settings['cert'], _when(_not_before(cert)), _when(now)))
    elif now > _not_after(cert):
        found.append('%s: the certificate expired on %s' % (settings['cert'], _when(_not_after(cert))))
    try:
        if key_pem is not None and not _same_key(cert, load_key(key_pem)):
            found.append('%s: the key does not match the certificate of %s (another key pair)' % (
                settings['key'], settings['cert']))
    except ValueError as e:
        found.append('%s %s' % (settings['key'], e))
    usages = _usages(cert)
    if serves_only and usages is not None and ExtendedKeyUsageOID.SERVER_AUTH not in usages:
        found.append('%s: the certificate must allow serverAuth (extendedKeyUsage): clients verify the server by it'
                     % settings['cert'])
    elif not serves_only and key_pem is not None and usages is not None and not {
            ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH} <= set(usages):
        found.append('%s: the certificate must allow both serverAuth and clientAuth (extendedKeyUsage): a node serves and'
                     ' connects with it' % settings['cert'])
    if cas and not _chains_to(chain, cas):
        found.append('%s: the certificate (issuer %s) is not signed by the CA of %s (%s)' % (
            settings['cert'], cert.issuer.rfc4514_string(), settings['ca'],
            ', '.join(ca.subject.rfc4514_string() for ca in cas)))
    absent = missing_names(cert, names)
    if absent:
        found.append('%s: the certificate does not carry %s in its subjectAltName (it has: %s); clients that '
                     'reach it so cannot verify it' % (settings['cert'], ', '.join(absent), ', '.join(names_of(cert)) or 'none'))
    return found


def new_key():
    """A new private key (ECDSA P-256: every Temporal SDK and the server take it), as PEM text."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _builder(subject, issuer, public_key, now, days):
    return (x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            # An hour back: a host whose clock runs a little behind still takes it.
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=days)))


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def new_ca(common_name, days, now, key_pem=None):
    """(certificate PEM, key PEM) of a new self-signed CA; KEY_PEM when given, else a new key."""
    key_pem = key_pem or new_key()
    key = load_key(key_pem)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    cert = (_builder(name, name, key.public_key(), now, days)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return _pem(cert), key_pem


def _san(name):
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def issue(ca_pem, ca_key_pem, key_pem, common_name, names, usage, days, now):
    """A certificate PEM for KEY_PEM, signed by the CA: NAMES in its subjectAltName; USAGE node
    (serverAuth and clientAuth), server (serverAuth) or client (clientAuth)."""
    if usage not in USAGES:
        raise ValueError('usage must be one of %s, not %r' % (', '.join(USAGES), usage))
    ca = load_certificates(ca_pem)[0]
    ca_key = load_key(ca_key_pem)
    key = load_key(key_pem)
    usages = [getattr(ExtendedKeyUsageOID, name) for name in _EXTENDED_USAGES[usage]]
    builder = (_builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]), ca.subject, key.public_key(), now, days)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, key_cert_sign=False, crl_sign=False,
                                            content_commitment=False, data_encipherment=False, key_agreement=False,
                                            encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([_san(name) for name in names]), critical=False)
    return _pem(builder.sign(ca_key, hashes.SHA256()))


def renewal_reason(ca_pem, cert_pem, key_pem, names, usage, now, renew_before_days):
    """Why the certificate the collection's CA issued must be issued again ('' when it need not):
    none yet, another CA or key, names it lacks, another usage, or fewer than RENEW_BEFORE_DAYS left."""
    if not cert_pem:
        return 'none was issued yet'
    try:
        cert = load_certificates(cert_pem)[0]
        ca = load_certificates(ca_pem)[0]
    except ValueError as e:
        return 'the certificate %s' % e
    if not _signed_by(cert, ca):
        return 'it is not signed by the current CA'
    try:
        if not _same_key(cert, load_key(key_pem)):
            return 'it is for another key'
    except ValueError:
        return 'its key does not load'
    absent = missing_names(cert, names)
    if absent:
        return 'it lacks %s' % ', '.join(absent)
    extra = [name for name in names_of(cert) if name not in [_normal(item) for item in names]]
    if extra:
        return 'it carries names no longer wanted: %s' % ', '.join(extra)
    if set(_usages(cert) or []) != set(getattr(ExtendedKeyUsageOID, name) for name in _EXTENDED_USAGES[usage]):
        return 'it is for another usage'
    if valid_for(cert_pem, now) < datetime.timedelta(days=renew_before_days):
        return 'it expires on %s, within %s days' % (_when(_not_after(cert)), renew_before_days)
    return ''


def _normal(name):
    try:
        return '%s' % ipaddress.ip_address(name)
    except ValueError:
        return name


def serial(cert_pem):
    """The serial number of the first certificate of CERT_PEM, as hex text as openssl prints it
    (an even number of digits)."""
    digits = '%X' % load_certificates(cert_pem)[0].serial_number
    return '0' * (len(digits) % 2) + digits


def not_after(cert_pem):
    """When the first certificate of CERT_PEM expires, ISO 8601 UTC."""
    return _not_after(load_certificates(cert_pem)[0]).strftime('%Y-%m-%dT%H:%M:%SZ')


def valid_for(cert_pem, now):
    """How long the first certificate of CERT_PEM stays valid from NOW (a timedelta, negative once expired)."""
    return _not_after(load_certificates(cert_pem)[0]) - now
