"""Download ICE's 287(g) spreadsheet (or the page that links it): https only, a timeout, a size cap, and
conditional requests, so an unchanged list costs ICE and us a 304 and nothing more."""

from __future__ import annotations

import http.client
import ipaddress
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit, urlunsplit

from hotline.core.agreement_updates import file_name_of

MAX_BYTES = 20 * 1024 * 1024  # ICE's spreadsheet is a few hundred kB; its page less
CHUNK = 64 * 1024
# Some government sites turn away clients that do not look like a browser; this one says who it is.
USER_AGENT = "Mozilla/5.0 (compatible; hotline-287g-update/1.0; a know-your-rights line checking ICE's list)"
ACCEPT = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, text/html;q=0.9, */*;q=0.5")


class DownloadError(Exception):
    """The list could not be downloaded; the message says why, naming the address without secrets."""


@dataclass(frozen=True)
class Fetched:
    url: str  # where the answer came from, after redirects
    status: int  # 200, or 304: not modified since the ETag / Last-Modified we sent
    body: bytes
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    filename: str = ""  # from Content-Disposition, else the address


def shown(url: str) -> str:
    """Write an address for messages and logs: no user name, password, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    return urlunsplit((parts.scheme, netloc + (f":{parts.port}" if parts.port else ""), parts.path, "", ""))


def allowed_address(url: str) -> bool:
    """Allow https anywhere, and plain http only to this machine (a copy served locally, the tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    try:
        return parts.hostname == "localhost" or ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class _HttpsRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an https address: never down to plain http, nor to another scheme."""

    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme != "https":
            raise DownloadError(f"{shown(req.full_url)} redirects to {shown(newurl)}, which is not https: "
                                "not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(url: str, *, etag: str = "", last_modified: str = "", timeout: float = 30.0,
          max_bytes: int = MAX_BYTES) -> Fetched:
    """GET url (conditionally, given the last ETag or Last-Modified); raise DownloadError on any failure."""
    if not allowed_address(url):
        raise DownloadError(f"{shown(url)} is not an https:// address")
    if urlsplit(url).username is not None:  # it would travel with every redirect: refuse it, and never repeat it
        raise DownloadError(f"{shown(url)} carries a user name or password; give the list's public address")
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    headers |= {"If-None-Match": etag} if etag else {}
    headers |= {"If-Modified-Since": last_modified} if last_modified else {}
    opener = urllib.request.build_opener(_HttpsRedirects)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            body = _read_capped(response, url, max_bytes, deadline)
            return _fetched(response.geturl(), response.status, body, response.headers)
    except urllib.error.HTTPError as error:
        error.close()  # its body (an error page) is not read
        if error.code == 304:
            return _fetched(error.geturl() or url, 304, b"", error.headers)
        raise DownloadError(f"{shown(url)} answered {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise DownloadError(_too_slow(url, timeout)) from None
        raise DownloadError(f"could not reach {shown(url)}: {_reason(error.reason)}") from None
    except TimeoutError:
        raise DownloadError(_too_slow(url, timeout)) from None
    except (OSError, http.client.HTTPException) as error:
        raise DownloadError(f"could not download {shown(url)}: {_reason(error)}") from None


def _read_capped(response: http.client.HTTPResponse, url: str, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DownloadError(f"{shown(url)} is {_size(int(declared))}, more than the {_size(max_bytes)} a list can be")
    chunks, size = [], 0
    while chunk := response.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise DownloadError(f"{shown(url)} sent more than the {_size(max_bytes)} a list can be")
        if time.monotonic() > deadline:
            raise TimeoutError
        chunks.append(chunk)
    return b"".join(chunks)


def _fetched(url: str, status: int, body: bytes, headers: Message) -> Fetched:
    disposition = Message()
    disposition["Content-Disposition"] = headers.get("Content-Disposition", "")
    filename = disposition.get_filename() or file_name_of(url)
    return Fetched(url, status, body, headers.get("Content-Type", ""), headers.get("ETag", ""),
                   headers.get("Last-Modified", ""), filename.rsplit("/", 1)[-1])


def _size(count: int) -> str:
    return f"{round(count / 1e6)} MB" if count >= 1e6 else f"{round(count / 1e3)} kB"


def _too_slow(url: str, timeout: float) -> str:
    return f"{shown(url)} did not answer within the {timeout:g}-second limit (HOTLINE_AGREEMENTS_TIMEOUT_SECONDS)"


def _reason(error: object) -> str:
    """Name what went wrong in a few words (a refused connection, a bad certificate, a name not found)."""
    return str(error).strip() or type(error).__name__
