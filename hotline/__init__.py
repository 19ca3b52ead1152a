"""A bilingual know-your-rights hotline for SMS and voice, on Twilio."""

from __future__ import annotations

from collections.abc import Mapping

from dotenv import find_dotenv, load_dotenv
from flask import Flask

from . import (
    admin,
    agreements_store,
    agreements_web,
    db,
    engine,
    guards,
    ops,
    retention,
    signature,
    sms,
    twilio_rest,
    voice,
    web,
)
from .settings import DEVELOPMENT_SECRET_KEY, check_settings, is_development, read_settings


def create_app(test_config: Mapping[str, object] | None = None) -> Flask:
    """Create the hotline app from the environment (and .env), or from test_config."""
    app = Flask(__name__, instance_relative_config=True)
    if test_config is None:
        load_dotenv(find_dotenv(usecwd=True))  # also under gunicorn, which reads no .env itself
        app.config.from_mapping(read_settings())
    else:
        app.config.from_mapping(read_settings({}))
        app.config.update(test_config)
    check_settings(app.config)
    app.secret_key = app.config["HOTLINE_SECRET_KEY"] or DEVELOPMENT_SECRET_KEY
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["HOTLINE_MAX_BODY_BYTES"])
    if is_development(app.config) and not app.config["HOTLINE_SECRET_KEY"]:
        app.logger.warning("DEVELOPMENT MODE: using a built-in, public HOTLINE_SECRET_KEY.")

    engine.init_app(app)
    db.init_app(app)
    agreements_store.init_app(app)
    signature.init_app(app)
    twilio_rest.init_app(app)
    ops.init_app(app)
    retention.init_app(app)
    app.register_blueprint(sms.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(admin.bp)
    web.init_app(app)
    app.register_blueprint(web.bp)
    app.register_blueprint(agreements_web.bp)
    guards.init_app(app)  # refuses malformed webhook requests before their signature is checked
    return app
