"""The commands that work on an app's settings and database; create_app registers them on app.cli."""

from __future__ import annotations

from hotline.cli.agreements import agreements_command
from hotline.cli.alert import alert_command
from hotline.cli.database import db_command
from hotline.cli.flyer import flyer_command, qr_command
from hotline.cli.stats import stats_command
from hotline.cli.twilio import twilio_command
from hotline.cli.volunteers import volunteers_command

APP_COMMANDS = (stats_command, agreements_command, alert_command, flyer_command, qr_command, db_command, twilio_command,
                volunteers_command)
