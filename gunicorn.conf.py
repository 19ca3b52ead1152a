"""gunicorn settings for the hotline (the Procfile runs `gunicorn -c gunicorn.conf.py`).

Heroku, Render and Fly.io set PORT; Heroku also sets WEB_CONCURRENCY from the dyno size.
This file reads the environment directly: it runs before the app, so a .env cannot set these.
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads, so a client that sends its body one byte a second holds one thread, not a whole
# worker: two such clients starved both sync workers, and a real text waited 12 s.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
BODY_READ_TIMEOUT_SECONDS = 5  # Twilio sends its few hundred bytes at once; a slower body is not Twilio


def pre_request(worker, req):
    """Give up on a request whose body trickles in: each read from the client may wait this long."""
    sock = getattr(getattr(req, "unreader", None), "sock", None)
    if sock is not None:
        sock.settimeout(BODY_READ_TIMEOUT_SECONDS)


def post_worker_init(worker):
    """Move everything the app built at start out of the garbage collector's sight.

    The words, the keyword index and the libraries are some 70,000 objects that live as long as
    the worker; without this, each full collection walks them all while the worker's threads wait.
    """
    import gc  # here: this file is read by the master too, which needs none of it

    gc.freeze()


# Twilio waits 15 s in all for an answer, then gives up on an SMS or plays its fallback.
# A worker stuck for 10 s is killed and replaced, well before that.
timeout = 10
# On SIGTERM (each deploy, Heroku's daily restart) finish requests in flight; Heroku kills at 30 s.
graceful_timeout = 20

# No preload: each worker builds the app itself. A preloaded app would open its database
# connections in the parent and share them across forked workers, which corrupts them;
# and the zero-retention deleter thread would not survive the fork. Start-up is fast anyway,
# and a bad setting still stops every worker with the same clear message.
preload_app = False

# The app writes one line per request itself (hotline/edges/request_log.py), with what happened and no
# caller data, so gunicorn's access log is off. Turn it on with `--access-logfile -` if you
# must: this format has the path without the query string (%(U)s, not %(r)s), no address
# (%(h)s), no referrer or user agent.
accesslog = None
access_log_format = '%(m)s %(U)s %(s)s %(M)sms'
errorlog = "-"
loglevel = "info"

# gunicorn's worker heartbeat can block a worker when its file is on a disk-backed
# filesystem, as /tmp may be in a container (gunicorn docs: "blocking os.fchmod").
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
