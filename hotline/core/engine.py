"""Build the words, the keyword index, the menu and every SMS reply once, for the channels to share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hotline.core.catalog import Catalog, load_catalog
from hotline.core.county_answers import CountyWords, load_county_words
from hotline.core.matcher import KeywordIndex
from hotline.core.menu import Tree, build_tree
from hotline.core.sms_flow import Replies


@dataclass(frozen=True)
class Engine:
    catalog: Catalog
    index: KeywordIndex
    tree: Tree  # the one menu the SMS and call flows walk
    replies: Replies
    county_words: CountyWords


def build_engine(messages_dir: Path, values: Mapping[str, str], default_lang: str, discreet: bool = False) -> Engine:
    """Load and validate messages/ and pre-render every reply for these placeholder values."""
    catalog = load_catalog(messages_dir)
    return Engine(catalog, KeywordIndex(catalog), build_tree(catalog, default_lang),
                  Replies(catalog, values, default_lang, discreet),
                  load_county_words(messages_dir, catalog.languages.codes))
