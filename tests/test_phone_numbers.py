"""Numbers as people type them become E.164; anything else is left for the caller to refuse."""

import pytest

from hotline.core.phone_numbers import is_e164, normalise_number


@pytest.mark.parametrize(("typed", "number"), [
    ("307-555-0100", "+13075550100"), ("(307) 555-0100", "+13075550100"), ("307.555.0100", "+13075550100"),
    ("1 307 555 0100", "+13075550100"), ("+1 (307) 555-0100", "+13075550100"), ("+13075550100", "+13075550100"),
    ("+44 7700 900123", "+447700900123"),
    ("555-0100", "555-0100"), ("anonymous", "anonymous"), ("", ""), ("+0123456789", "+0123456789"),
])
def test_typed_numbers(typed, number):
    assert normalise_number(typed) == number
    assert is_e164(number) == (number.startswith("+") and number != "+0123456789")  # a country code never starts 0
