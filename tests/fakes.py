"""Fakes at Twilio's HTTP boundary: they record what would have been sent, and can fail.

FakeTwilioHttp stands in for the whole SDK HTTP client; SessionRecorder lets the real one
run and stops at requests' Session.send, the last step before the network.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from twilio.http import HttpClient
from twilio.http.response import Response


@dataclass
class SentRequest:
    method: str
    url: str
    params: dict
    data: dict


@dataclass
class FakeTwilioHttp(HttpClient):
    """Answer Twilio REST calls like the real API; queue failures with `fail_next`."""

    requests: list[SentRequest] = field(default_factory=list)
    failures: list[tuple[int, int] | Exception] = field(default_factory=list)
    failure_matches: list[str | None] = field(default_factory=list)  # regex on "METHOD url", per failure
    routes: list[tuple[str, str, int, dict | Callable[[SentRequest], dict]]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        super().__init__(logger=None, is_async=False, timeout=None)

    def fail_next(self, status: int = 500, code: int = 20500, times: int = 1, match: str | None = None) -> None:
        """Make the next calls (those matching regex `match` on "METHOD url") fail with this status and code."""
        self.failures.extend([(status, code)] * times)
        self.failure_matches.extend([match] * times)

    def raise_next(self, error: Exception, times: int = 1, match: str | None = None) -> None:
        """Make the next calls (matching `match`) raise, as a timeout or a refused connection would."""
        self.failures.extend([error] * times)
        self.failure_matches.extend([match] * times)

    def take_failure(self, method: str, uri: str) -> tuple[int, int] | Exception | None:
        """Remove and return the first queued failure meant for this request."""
        self.failure_matches.extend([None] * (len(self.failures) - len(self.failure_matches)))
        for index, match in enumerate(self.failure_matches):
            if match is None or re.search(match, f"{method} {uri}"):
                del self.failure_matches[index]
                return self.failures.pop(index)
        return None

    def route(self, method: str, url_pattern: str, status: int, body: dict | Callable[[SentRequest], dict]) -> None:
        """Answer requests matching method and URL regex with this status and JSON body.

        body may be a function of the request, for an answer that depends on it (a page, an update).
        """
        self.routes.append((method, url_pattern, status, body))

    @property
    def deletes(self) -> list[SentRequest]:
        """Records the app asked Twilio to delete."""
        return [r for r in self.requests if r.method == "DELETE"]

    @property
    def messages(self) -> list[SentRequest]:
        """Messages the app asked Twilio to send (the outbox)."""
        return [r for r in self.requests if r.method == "POST" and r.url.endswith("/Messages.json")]

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False) -> Response:
        # No timeout is recorded: this fake replaces the client that sets it (SessionRecorder sees it).
        self.requests.append(SentRequest(method, uri, dict(params or {}), dict(data or {})))
        failure = self.take_failure(method, uri)
        if failure is not None:
            if isinstance(failure, Exception):
                raise failure
            status, code = failure
            return Response(status, json.dumps({"code": code, "message": "fake failure", "status": status}))
        for route_method, pattern, status, body in self.routes:
            if route_method == method and re.search(pattern, uri):
                return Response(status, json.dumps(body(self.requests[-1]) if callable(body) else body))
        if method == "POST" and uri.endswith("/Messages.json"):
            sid = f"SM{next(self._ids):032d}"
            return Response(201, json.dumps({"sid": sid, "status": "queued", **(data or {})}))
        if method == "DELETE":
            return Response(204, "")
        return Response(200, json.dumps({}))


@dataclass
class SessionRecorder:
    """Answer requests' Session.send with 201 and {"sid": ...}, recording each request and its timeout.

    Install it with monkeypatch.setattr(requests.Session, "send", recorder.send).
    """

    sent: list[tuple[requests.PreparedRequest, object]] = field(default_factory=list)

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        """Take the place of Session.send (a bound method: the session itself is not passed)."""
        self.sent.append((request, kwargs.get("timeout")))
        response = requests.Response()
        response.status_code, response.url = 201, request.url
        response._content = json.dumps({"sid": "SM" + "9" * 32, "status": "queued"}).encode()
        response.headers["Content-Type"] = "application/json"
        return response

    @property
    def timeouts(self) -> list[object]:
        """The timeout each request went out with."""
        return [timeout for _, timeout in self.sent]
