"""Numbered, greppable error messages. Library code raises WhipcountError; the CLI prints it."""

from __future__ import annotations


class WhipcountError(Exception):
    """An error the user can act on; its message names the file or setting and the problem."""


class InputError(WhipcountError):
    """An input item could not be read (the batch goes on without it)."""


class StoreError(WhipcountError):
    """The store could not be opened or written."""


class E:
    """Message templates. Keep the code in front so users can search for it."""

    E001 = "E001 {path}: no such file or folder"
    E002 = "E002 {path}: not a format whipcount reads (txt, html, warc, feeds, jsonl, or .gz of those)"
    E003 = "E003 {path}: cannot decode the text ({detail})"
    E004 = "E004 {path}: line {line}: {detail}"
    E005 = "E005 {path}: empty: no article text"
    E006 = "E006 {path}: {detail}"
    E010 = "E010 store {url}: {detail}"
    E011 = "E011 unknown database URL {url!r}: use a file path, sqlite:///PATH or postgresql://..."
    E020 = "E020 cannot load the spaCy model {name!r}: {detail}. Install it with pip (see README)."
