"""Zero-retention mode (HOTLINE_DELETE_TWILIO_RECORDS): delete each text and call from Twilio once finished.

callbacks.py hears what is finished (Twilio's status callbacks, incoming texts); deleter.py
deletes it later, off the request path, retrying; purge.py (`hotline twilio purge`, run daily)
sweeps whatever the deleter missed, since its queue lives in memory and a restart loses it.
"""
