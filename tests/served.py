"""A web server on 127.0.0.1 that a test starts and fills: ICE's page and spreadsheets, as ICE serves them
(ETag, Last-Modified, 304), or broken in the ways a real server breaks. The tests never use the network."""

from __future__ import annotations

import datetime as dt
import email.utils
import io
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from openpyxl import Workbook, load_workbook

from tests.test_agreements import SAMPLE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ICE_PATH = "/doclib/about/offices/ero/287g/"  # where ICE keeps its spreadsheets


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = XLSX
    etag: str = ""
    last_modified: str = ""
    delay: float = 0.0  # seconds before answering
    location: str = ""  # a redirect's target


@dataclass
class Served:
    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # (path, headers), in order

    def add(self, path: str, body: bytes = b"", **route: object) -> str:
        """Serve body at path; return its full address."""
        self.routes[path] = Route(body, **route)
        return self.base + path

    def page(self, path: str, *links: str) -> str:
        """Serve a page like ICE's 287(g) page, linking these addresses (relative ones too)."""
        anchors = "".join(f'<li><a href="{link}">Download</a></li>' for link in links)
        html = (f"<!DOCTYPE html><html><head><title>Delegation of Immigration Authority Section 287(g)</title>"
                f"</head><body><ul><li><a href='/news'>News</a></li>{anchors}</ul></body></html>")
        return self.add(path, html.encode(), content_type="text/html; charset=utf-8")

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]


def handler_for(served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            served.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = served.routes.get(self.path.split("?")[0])
            try:
                self.answer(route)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

        def answer(self, route: Route | None) -> None:
            if route is None:
                return self.send(404, b"<html><body>Not found</body></html>", {"Content-Type": "text/html"})
            time.sleep(route.delay)
            if route.location:
                return self.send(route.status or 302, b"", {"Location": route.location})
            validators = {"ETag": route.etag, "Last-Modified": route.last_modified}
            validators = {k: v for k, v in validators.items() if v}
            if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified):
                return self.send(304, b"", validators)
            return self.send(route.status, route.body, {"Content-Type": route.content_type, **validators})

        def send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serve() -> Iterator[Served]:
    """Start the server on a free port of 127.0.0.1; stop it afterwards."""
    served = Served()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(served))
    server.daemon_threads = True
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def http_date(when: dt.datetime) -> str:
    """Write a time as HTTP's Last-Modified does."""
    return email.utils.format_datetime(when.replace(tzinfo=dt.UTC), usegmt=True)


def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


def sample_copy(keep: Callable[[tuple], bool] = lambda row: True, extra: tuple[tuple, ...] = ()) -> bytes:
    """Return ICE's real spreadsheet rewritten by openpyxl: its header, the rows keep() accepts, then extra rows."""
    source = load_workbook(SAMPLE, read_only=True)
    rows = list(source.worksheets[0].iter_rows(values_only=True))
    source.close()
    book = Workbook()
    for row in [rows[0], *(r for r in rows[1:] if any(r) and keep(r)), *extra]:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
