"""Fetch ICE's 287(g) list (from its 287(g) page, or the spreadsheet's own address), check it, swap it in,
and record what happened. On any failure the current list stays, and the failure is logged and recorded."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hotline.core.agreement_updates import (
    Candidate,
    choose_date,
    find_spreadsheet_link,
    looks_like_a_page,
    read_download,
)
from hotline.core.agreements import AgreementsError
from hotline.core.clock import today
from hotline.core.county_answers import AgreementList
from hotline.edges.ice_download import DownloadError, Fetched, allowed_address, fetch, shown
from hotline.edges.storage.agreement_history import DOWNLOAD, Check, conditional_headers, now, record_safely
from hotline.edges.storage.agreement_lists import (
    Swap,
    broken,
    current_list,
    forget_cached_lists,
    latest_list_id,
    swap_list,
)
from hotline.edges.storage.database import run_safely

log = logging.getLogger("hotline.agreements")


class NotPublished(Exception):
    """ICE's page links no list of this kind (it has published no pending list for a while)."""


@dataclass(frozen=True)
class Update:
    kind: str
    outcome: str  # loaded, unchanged, failed (the current list stays), or absent (nothing published)
    message: str = ""  # what was wrong, or why nothing was checked
    source: str = ""  # the spreadsheet's address, as recorded
    found_on: str = ""  # the page it was linked from, if any
    candidate: Candidate | None = None
    swap: Swap | None = None
    current: AgreementList | None = None  # the list answers use after this update


def update_list(kind: str, url: str, *, force: bool = False, timeout: float = 30.0,
                pages: dict[str, Fetched] | None = None) -> Update:
    """Fetch, check and swap in ICE's list of this kind; pages caches ICE's page between the two kinds."""
    pages = {} if pages is None else pages
    try:
        sheet_url, found_on, fetched = _fetch_spreadsheet(kind, url, timeout, pages)
        if fetched.status == 304:
            return _unchanged(kind, sheet_url, found_on, fetched)
        rows, saved = read_download(fetched.body, fetched.filename or "the download")
    except NotPublished as absent:
        return Update(kind, "absent", str(absent))
    except (DownloadError, AgreementsError) as error:
        return _failed(kind, shown(url), str(error))
    as_of, date_from = choose_date(fetched.filename, saved, fetched.last_modified, today())
    candidate = Candidate(tuple(rows), as_of, date_from, shown(sheet_url), fetched.etag, fetched.last_modified)
    swap = swap_list(kind, candidate, force=force)
    if swap.outcome == "refused":
        log.error("287(g) %s list not updated from %s: %s", kind, candidate.source, broken(swap.verdict))
        return Update(kind, "failed", broken(swap.verdict), candidate.source, found_on, candidate, swap,
                      current_list(kind))
    return Update(kind, swap.outcome, "", candidate.source, found_on, candidate, swap, current_list(kind))


def _fetch_spreadsheet(kind: str, url: str, timeout: float, pages: dict[str, Fetched]) -> tuple[str, str, Fetched]:
    """Fetch url; if it is a page (ICE's 287(g) page), fetch the spreadsheet of this kind it links to."""
    first = pages.get(url) or fetch(url, timeout=timeout, **_conditional(kind, url))
    if first.status == 304 or not looks_like_a_page(first.body, first.content_type):
        return first.url, "", first
    pages[url] = first
    page = _decode(first.body, first.content_type)
    link, sheets = find_spreadsheet_link(page, first.url, kind)
    if link is None:
        if kind == "pending" and find_spreadsheet_link(page, first.url, "participating")[0]:
            raise NotPublished(f"{shown(first.url)} links no list of pending agencies: ICE publishes none now")
        seen = f" (its spreadsheets: {', '.join(shown(s) for s in sheets[:3])})" if sheets else ""
        raise DownloadError(f"{shown(first.url)} sent a web page, not a spreadsheet, and the page links no list "
                            f"of {kind} agencies{seen}")
    if not allowed_address(link):
        raise DownloadError(f"{shown(first.url)} links the list at {shown(link)}, which is not https")
    sheet = fetch(link, timeout=timeout, **_conditional(kind, link))
    if sheet.status != 304 and looks_like_a_page(sheet.body, sheet.content_type):
        raise DownloadError(f"{shown(link)} sent a web page, not a spreadsheet")
    return sheet.url, shown(first.url), sheet


def _conditional(kind: str, url: str) -> dict[str, str]:
    """Send back the ETag and Last-Modified of the current list, if it came from this address."""
    found = run_safely(lambda connection: conditional_headers(connection, kind, shown(url),
                                                              latest_list_id(connection, kind)),
                       "reading the last 287(g) list check") or ("", "")
    return {"etag": found[0], "last_modified": found[1]}


def _unchanged(kind: str, sheet_url: str, found_on: str, fetched: Fetched) -> Update:
    """Record that the server says the list has not changed since the last download (HTTP 304)."""
    current = current_list(kind)
    sent = _conditional(kind, sheet_url)
    record_safely(Check(kind, now(), DOWNLOAD, "unchanged", shown(sheet_url),
                        run_safely(lambda connection: latest_list_id(connection, kind), "reading the 287(g) list"),
                        current.as_of if current else None, len(current.rows) if current else None,
                        fetched.etag or sent["etag"], fetched.last_modified or sent["last_modified"]))
    forget_cached_lists()  # the list's last confirmation moved
    return Update(kind, "unchanged", "", shown(sheet_url), found_on, current=current_list(kind))


def _failed(kind: str, source: str, message: str) -> Update:
    """Log and record a failed check; the current list keeps answering."""
    log.error("287(g) %s list not updated from %s: %s", kind, source, message)
    record_safely(Check(kind, now(), DOWNLOAD, "failed", source, message=message))
    return Update(kind, "failed", message, source, current=current_list(kind))


def _decode(body: bytes, content_type: str) -> str:
    """Read a page in the character set its server names (UTF-8 when it names none, or an unknown one)."""
    charsets = [value.strip('"') for name, _, value in (p.strip().partition("=") for p in content_type.split(";"))
                if name.lower() == "charset" and value]
    try:
        return body.decode(charsets[0] if charsets else "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
