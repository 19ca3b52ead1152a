"""The hotline's parts, built once by create_app (hotline/app.py) and kept as one typed object on the app.

Views and edges reach them through the small accessors below, never through string keys in
app.extensions: a newcomer sees every part, and its type, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:  # types only: this module is imported by the parts themselves
    from twilio.http import HttpClient
    from twilio.request_validator import RequestValidator

    from hotline.channels.voice import Script
    from hotline.channels.web import Site
    from hotline.core.engine import Engine
    from hotline.core.live import LiveAnswer
    from hotline.core.volunteers import Volunteers
    from hotline.edges.retention.deleter import Deleter
    from hotline.edges.storage.agreement_lists import ListCache
    from hotline.edges.storage.alerts import AlertBoard
    from hotline.edges.storage.database import Storage
    from hotline.edges.storage.stats import Pending


@dataclass
class Services:
    engine: Engine  # the words, the keyword index and every pre-rendered SMS reply
    storage: Storage  # counters, rate limits and ICE's lists (SQLite or PostgreSQL)
    lists: ListCache  # this app's cache of the loaded 287(g) lists
    pending: Pending  # usage counts this worker has not written yet
    site: Site  # every web page's words, filled once
    script: Script  # every spoken line of the call flow, prepared once
    validator: RequestValidator | None  # checks X-Twilio-Signature; None only in development
    deleter: Deleter | None  # zero-retention deletions; None when that mode is off
    debug_numbers: bool = False  # request logs show masked caller numbers
    webhooks: frozenset[str] = frozenset()  # blueprints whose views are Twilio webhooks
    webhook_paths: frozenset[str] = frozenset()  # their URL rules
    twilio_http: HttpClient | None = field(default=None)  # tests put a fake HTTP client here
    alerts: AlertBoard | None = None  # the verified-alert words, time zone and last notice read (ALERTA)
    # Answers made at request time, by action (core/live.py): "person" while volunteers are set, "alert".
    live: dict[str, LiveAnswer] = field(default_factory=dict)
    volunteers: Volunteers | None = None  # talk to a person: None while HOTLINE_VOLUNTEER_NUMBERS is empty


class HotlineApp(Flask):
    """A Flask app that carries the hotline's Services."""

    services: Services


def services() -> Services:
    """Return the current app's parts."""
    return current_app.services  # type: ignore[attr-defined]


def get_engine() -> Engine:
    """Return the current app's words, keyword index and replies."""
    return services().engine
