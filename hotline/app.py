"""create_app: every part of the hotline, built and registered here in plain sight, top to bottom."""

from __future__ import annotations

import atexit
import weakref
from collections.abc import Mapping
from pathlib import Path

from dotenv import find_dotenv, load_dotenv
from flask import got_request_exception

from hotline.channels import (
    admin,
    admin_alerts,
    agreements_web,
    alert_web,
    flyer_redirect,
    health,
    paper,
    site,
    sms,
    try_it,
    voice,
    volunteer_calls,
    web,
)
from hotline.cli import commands
from hotline.core.engine import build_engine
from hotline.core.languages import load_languages
from hotline.core.phone_numbers import normalise_number
from hotline.core.placeholders import placeholder_values
from hotline.core.toml_files import default_messages_dir
from hotline.edges import conversation_cookie, guards, request_log, signature, twilio_client
from hotline.edges.retention import callbacks
from hotline.edges.settings import DEVELOPMENT_SECRET_KEY, is_development, is_on, read_settings
from hotline.edges.settings.checks import check_settings
from hotline.edges.storage import agreement_lists, alerts, database, stats
from hotline.services import HotlineApp, Services

# Blueprints whose views are Twilio's webhooks: guarded, signed, answered plainly on errors.
WEBHOOKS = (sms.bp, voice.bp, volunteer_calls.bp, callbacks.bp)


def create_app(test_config: Mapping[str, object] | None = None, *, serving: bool = True) -> HotlineApp:
    """Create the hotline from the environment (and .env), or from test_config.

    serving=False builds it for a command (`hotline stats`, `agreements`, `twilio`...), which needs
    no webhook secrets; every other setting is checked all the same.
    """
    app = HotlineApp("hotline", instance_relative_config=True)
    if test_config is None:
        load_dotenv(find_dotenv(usecwd=True))  # also under gunicorn, which reads no .env itself
    app.config.from_mapping(read_settings({} if test_config is not None else None))
    app.config.update(test_config or {})
    app.config["HOTLINE_NUMBER"] = normalise_number(str(app.config["HOTLINE_NUMBER"]))  # as people type it
    messages = Path(str(app.config["HOTLINE_MESSAGES_DIR"] or default_messages_dir()))
    languages = load_languages(messages)
    check_settings(app.config, languages, serving)  # every problem at once, before anything starts
    app.config["HOTLINE_DEFAULT_LANGUAGE"] = app.config["HOTLINE_DEFAULT_LANGUAGE"] or languages.codes[0]
    app.secret_key = app.config["HOTLINE_SECRET_KEY"] or DEVELOPMENT_SECRET_KEY
    app.session_interface = conversation_cookie.ConversationCookie()  # the SMS conversation, signed
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["HOTLINE_MAX_BODY_BYTES"])
    if is_development(app.config) and not app.config["HOTLINE_SECRET_KEY"]:
        app.logger.warning("DEVELOPMENT MODE: using a built-in, public HOTLINE_SECRET_KEY.")
    if is_on(app.config, "HOTLINE_DEBUG_NUMBERS"):
        app.logger.warning("HOTLINE_DEBUG_NUMBERS is on: masked caller numbers appear in the logs.")

    # The parts, built once; a content error stops the app here, at start.
    engine = build_engine(messages, placeholder_values(app.config), str(app.config["HOTLINE_DEFAULT_LANGUAGE"]),
                          is_on(app.config, "HOTLINE_DISCREET_PREVIEW"))
    app.services = Services(
        engine=engine,
        storage=database.connect(str(app.config["DATABASE_URL"]), app.instance_path),
        lists=agreement_lists.ListCache(),
        alerts=alerts.make_board(messages, languages.codes, app.config),
        pending=stats.Pending(),
        site=web.build_site(engine.catalog, app.config),
        script=voice.Script(engine.catalog, engine.tree, app.config),
        validator=signature.make_validator(app),
        deleter=callbacks.make_deleter(app),
        debug_numbers=is_on(app.config, "HOTLINE_DEBUG_NUMBERS"),
        webhooks=frozenset(bp.name for bp in WEBHOOKS),
        volunteers=volunteer_calls.read_volunteers(app.config, engine.catalog),  # None: no number set
    )
    if app.services.volunteers:  # talk to a person: PERSON by text, 0 on a call (docs/volunteers.md)
        app.services.live["person"] = volunteer_calls.person_answer(engine.catalog, app.config,
                                                                    app.services.volunteers)
    app.services.live["alert"] = alerts.live_answer  # ALERT / ALERTA: the verified notice, when asked
    atexit.register(stats.flush_at_exit, weakref.ref(app))  # a stopping worker writes what it still counts
    twilio_client.quiet_sdk_logs()

    # Every request: timed, malformed webhooks refused before their signature is checked, one log line.
    request_log.show_request_lines()
    app.logger.addFilter(request_log.withhold_exception_messages)
    app.before_request(request_log.start_clock)
    app.before_request(guards.check_webhook_request)
    app.after_request(request_log.log_request)
    got_request_exception.connect(request_log.remember_error, app)
    for code in guards.PLAIN_ERRORS:
        app.register_error_handler(code, guards.answer_plainly)
    app.register_error_handler(404, web.show_not_found)  # any unknown address: the site's page, in its language

    # The channels. <lang:...> in their addresses matches the line's languages only.
    app.url_map.converters["lang"] = web.language_converter(engine.catalog.languages.codes)
    app.register_blueprint(sms.bp)  # POST /sms
    app.register_blueprint(voice.bp)  # POST /voice, /voice/step
    app.register_blueprint(volunteer_calls.bp)  # POST /voice/volunteer/whisper, /accept, /done
    app.register_blueprint(callbacks.bp)  # POST /twilio/message-status, /twilio/call-status
    app.register_blueprint(site.bp)  # /, /<lang>, /<lang>/<topic>
    app.register_blueprint(paper.bp)  # /flyer, /qr/...
    app.register_blueprint(agreements_web.bp)  # /<lang>/287g/<state>
    app.register_blueprint(flyer_redirect.bp)  # /q/<code>/<lang>/<topic>
    app.register_blueprint(alert_web.bp)  # /alert, /<lang>/alerta: the verified notice
    app.register_blueprint(admin.bp)  # /admin, /admin/stats.csv
    app.register_blueprint(admin_alerts.bp)  # /admin/alert: publish, correct, clear it
    app.register_blueprint(health.bp)  # /healthz
    if is_development(app.config):
        app.register_blueprint(try_it.bp)  # /try: text and call the line from a browser; 404 in production
    app.services.webhook_paths = guards.find_webhook_paths(app, app.services.webhooks)

    # The commands that work on this app's settings and database (`hotline --help` lists them all).
    for command in commands.APP_COMMANDS:
        app.cli.add_command(command)
    return app
