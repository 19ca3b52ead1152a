"""Count SMS segments the way Twilio does.

Mirrors Twilio's reference calculator, npm ``sms-segments-calculator`` 1.3.0, called as
``new SegmentedMessage(text)``: encoding "auto" and Smart Encoding off (its default), so
curly quotes, dashes and the like force UCS-2 exactly as they do when we send.

Behaviour copied from the reference:
- A segment is 140 octets. A multipart segment spends 6 octets on its header, leaving
  153 septets (GSM-7) or 67 UTF-16 units (UCS-2); a single segment holds 160 or 70.
- Characters never straddle a segment boundary: a GSM-7 escape pair (``€ [ ] { } ~ | ^ \\``
  and form feed) and a UCS-2 grapheme (surrogate pair, flag, ZWJ emoji) move whole to
  the next segment, so a message can need one segment more than ``ceil(units / 153)``.
- The empty string is one (empty) GSM-7 segment.
- TAB, backtick and lowercase ``ç`` are not GSM-7 in the reference table (``Ç`` is).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# GSM 03.38 default alphabet, exactly the keys of the reference's UnicodeToGSM map.
GSM7_BASIC = frozenset(
    "\n\r !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
    "abcdefghijklmnopqrstuvwxyz¡£¤¥§¿ÄÅÆÇÉÑÖØÜßàäåæèéìñòöøùüΓΔΘΛΞΠΣΦΨΩ"
)
# Extension table: each is sent as ESC + char, so it costs two septets.
GSM7_EXTENSION = frozenset("\f[\\]^{|}~€")
_GSM7 = GSM7_BASIC | GSM7_EXTENSION

_SEGMENT_BITS = 140 * 8
_HEADER_BITS = 6 * 8
_ZWJ = "\u200d"
# Unicode 10 Glue_After_Zwj and E_Base_GAZ: the only emoji the reference joins after a ZWJ
# (so e.g. "🐕‍🦺" is two graphemes there, and may be split across segments).
_ZWJ_GLUE = frozenset(
    [0x2640, 0x2642, 0x2695, 0x2696, 0x2708, 0x2764, 0x1F308, 0x1F33E, 0x1F373, 0x1F393]
    + [0x1F3A4, 0x1F3A8, 0x1F3EB, 0x1F3ED, 0x1F48B, 0x1F4BB, 0x1F4BC, 0x1F527, 0x1F52C]
    + [0x1F5E8, 0x1F680, 0x1F692, 0x1F466, 0x1F467, 0x1F468, 0x1F469]
)


@dataclass(frozen=True)
class SegmentCount:
    """Describe how a message will be encoded and billed."""

    characters: int  # code points, i.e. len(text)
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    non_gsm: tuple[str, ...]  # distinct code points that forced UCS-2, first-seen order


def count_segments(text: str) -> SegmentCount:
    """Count the segments Twilio will bill for ``text``."""
    # Checking code points is equivalent to the reference's grapheme check: no multi-unit
    # grapheme consists only of GSM-7 characters (it splits CRLF back into two).
    non_gsm = tuple(dict.fromkeys(c for c in text if c not in _GSM7))
    if non_gsm:
        encoding, unit_bits = "UCS-2", 16
        sizes = _grapheme_sizes(text)
    else:
        encoding, unit_bits = "GSM-7", 7
        sizes = [2 if c in GSM7_EXTENSION else 1 for c in text]
    single = _SEGMENT_BITS // unit_bits
    multi = (_SEGMENT_BITS - _HEADER_BITS) // unit_bits
    return SegmentCount(len(text), encoding, sum(sizes), _pack(sizes, single, multi), non_gsm)


def _pack(sizes: list[int], single: int, multi: int) -> int:
    """Return how many segments the indivisible chunks ``sizes`` fill."""
    if sum(sizes) <= single:
        return 1
    segments, used = 1, 0
    for size in sizes:
        # The reference opens a new segment whenever the next chunk does not fit whole.
        if used + size > multi:
            segments, used = segments + 1, 0
        used += size
    return segments


def _grapheme_sizes(text: str) -> list[int]:
    """Return the UTF-16 length of each grapheme cluster in ``text``."""
    # The reference never splits a grapheme, so boundaries depend on clustering. This
    # approximates its grapheme-splitter 1.0.4 (Unicode 10 rules) for what occurs in SMS:
    # combining marks, variation selectors, skin tones, tag flags, ZWJ sequences and
    # regional-indicator flags. Hangul jamo and Prepend characters are not handled.
    sizes: list[int] = []
    prev = base = ""
    ri_open = False  # the current cluster is a lone regional indicator awaiting its pair
    for c in text:
        cp = ord(c)
        ri = 0x1F1E6 <= cp <= 0x1F1FF
        joins = (
            bool(sizes)
            and not _is_control(prev)  # GB4: always break after a control
            and (
                _is_extend(c)  # GB9, GB9a
                or (0x1F3FB <= cp <= 0x1F3FF and _is_pictographic(base))  # GB10 skin tone
                or (prev == _ZWJ and cp in _ZWJ_GLUE)  # GB11, Unicode 10 edition
                or (ri and ri_open)  # GB12/13: flags pair up
            )
        )
        if joins:
            sizes[-1] += 2 if cp > 0xFFFF else 1
            ri_open = False
        else:
            sizes.append(2 if cp > 0xFFFF else 1)
            ri_open, base = ri, c
        prev = c
    return sizes


def _is_extend(c: str) -> bool:
    """Tell whether ``c`` attaches to the preceding character."""
    cp = ord(c)
    return (
        unicodedata.category(c) in ("Mn", "Me", "Mc")
        or c in (_ZWJ, "\u200c")
        or 0xE0020 <= cp <= 0xE007F  # emoji tag characters (subdivision flags)
    )


def _is_control(c: str) -> bool:
    """Tell whether ``c`` is a grapheme Control (nothing attaches to it)."""
    category = unicodedata.category(c)
    return category in ("Cc", "Zl", "Zp", "Cs") or (category == "Cf" and not _is_extend(c))


def _is_pictographic(c: str) -> bool:
    """Tell whether ``c`` is an emoji (stands in for Unicode 10's E_Base)."""
    return unicodedata.category(c) == "So" and not 0x1F1E6 <= ord(c) <= 0x1F1FF
