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
    E007 = "E007 {path}: {what} of {size:,} {unit} is over the limit of {limit:,} ({setting})"
    E008 = "E008 {path}: corrupt or truncated {kind}: {detail}"
    E009 = "E009 {path}: binary data, not text ({detail})"
    E010 = "E010 store {url}: {detail}"
    E011 = "E011 unknown database URL {url!r}: use a file path, sqlite:///PATH or postgresql://..."
    E012 = ("E012 {url}: PostgreSQL support comes with the postgres extra (pip install 'whipcount[postgres]'), which is not installed; install it or use a file path or sqlite:///PATH")
    E020 = "E020 cannot load the spaCy model {name!r}: {detail}. Install it with pip (see README)."
    E030 = "E030 a worker process failed: {detail}. Try --workers 1 to see the error."
    E031 = "E031 Dask engine: {detail}"
    E040 = ("E040 {path}: not a knowledge-base file whipcount reads (congress-legislators YAML, JSON or CSV; Open States person YAML or JSONL)")
    E041 = "E041 {path}: cannot read the knowledge-base file: {detail}"
    E042 = ("E042 {path}: not an endorsement CSV whipcount reads (FiveThirtyEight, or a header with endorser and endorsee; see docs/import.md); columns: {columns}")
    E043 = "E043 kb source {name} ({url}): download failed: {detail}; the previous copy is kept"
    E044 = ("E044 kb source {name} ({url}): {what} of {size:,} bytes is over the limit of {limit:,} ({setting}); the previous copy is kept")
    E045 = "E045 kb source {name} ({url}): corrupt or truncated download: {detail}; the previous copy is kept"
    E046 = "E046 kb source {name} ({url}): the downloaded data does not load: {detail}; the previous copy is kept"
    E047 = "E047 kb source {name} ({url}): cannot move the new copy into place: {detail}; the previous copy is kept"
    E048 = "E048 {path}: line {line}: bad knowledge-base source: {detail}"
    E049 = "E049 {path}: cannot use as the knowledge-base folder: {detail}"
