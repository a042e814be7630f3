"""Debian's headless chromium driven over the DevTools protocol on a pipe (no port, no library):
the checks load a page as a person's browser behind an authenticating proxy would, with a header
such as `Authorization: Bearer <token>` on every request the page makes, and read what it renders.

The token goes down the pipe, never into a command line."""

import base64
import fcntl
import json
import os
import subprocess
import time

CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
            "--hide-scrollbars", "--remote-debugging-pipe"]


def _above_4(fd):
    """FD moved to a number above 4, close-on-exec."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 5)
    os.close(fd)
    return moved


class Browser:
    """One chromium process and one page; commands and answers are JSON, each ended by a NUL."""

    def __init__(self, profile, flags=()):
        # Above 4 (close-on-exec), so that the child's dup2 onto 3 and 4 overwrites neither.
        to_browser, self._to_browser = (_above_4(fd) for fd in os.pipe())
        self._from_browser, from_browser = (_above_4(fd) for fd in os.pipe())

        def pipes_as_3_and_4():  # where --remote-debugging-pipe reads and writes; dup2 keeps them across exec
            os.dup2(to_browser, 3)
            os.dup2(from_browser, 4)
        self._process = subprocess.Popen(CHROMIUM + list(flags) + ["--user-data-dir=%s" % profile, "about:blank"], close_fds=False,
                                         preexec_fn=pipes_as_3_and_4,  # pylint: disable=subprocess-popen-preexec-fn
                                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]

    def call(self, method, timeout=60, **params):
        """Send METHOD (to the page once attached) and return its result."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if getattr(self, "_session", None):
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while time.time() < deadline:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError("%s: %s" % (method, answer["error"]))
                return answer.get("result", {})
        raise TimeoutError("%s: no answer within %ss" % (method, timeout))

    def _read(self):
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 65536)
            if not chunk:
                raise RuntimeError("chromium ended: %s" % self._process.stderr.read().decode()[-2000:])
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        self._process.wait(timeout=30)
        os.close(self._to_browser)
        os.close(self._from_browser)


def spki_pin(cert_pem):
    """Chromium's pin of CERT_PEM's public key: base64 of the SHA-256 of its SubjectPublicKeyInfo."""
    from cryptography import x509  # pylint: disable=import-outside-toplevel
    from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
    public = x509.load_pem_x509_certificate(cert_pem.encode()).public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    digest = hashes.Hash(hashes.SHA256())
    digest.update(public)
    return base64.b64encode(digest.finalize()).decode()


def render(url, profile, headers=None, until=None, timeout=60, screenshot=None, trusted_certificate=None):
    """The DOM of URL as chromium renders it, with HEADERS on every request of the page: once it
    holds UNTIL (or when TIMEOUT ends, for the caller to judge). SCREENSHOT: a PNG of the page
    (1440x900) written there. TRUSTED_CERTIFICATE (PEM): an HTTPS server certificate of a private
    CA the browser takes, by its public key alone (any other certificate error still stops it)."""
    flags = ["--ignore-certificate-errors-spki-list=%s" % spki_pin(trusted_certificate)] if trusted_certificate else []
    browser = Browser(profile, flags)
    try:
        browser.call("Emulation.setDeviceMetricsOverride", width=1440, height=900, deviceScaleFactor=1, mobile=False)
        browser.call("Network.enable")
        if headers:
            browser.call("Network.setExtraHTTPHeaders", headers=headers)
        browser.call("Page.enable")
        browser.call("Page.navigate", url=url)
        deadline = time.time() + timeout
        dom = ""
        while time.time() < deadline:
            dom = browser.call("Runtime.evaluate", expression="document.documentElement.outerHTML",
                               returnByValue=True)["result"].get("value", "")
            if until is None or until in dom:
                break
            time.sleep(1)
        if screenshot:
            time.sleep(1)  # the page's last paint
            with open(screenshot, "wb") as handle:
                handle.write(base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"]))
        return dom
    finally:
        browser.close()
