"""whipcount_mentions: people and organisations, every mention of them, and people's titles.

Fills ``facts.people`` and ``facts.organizations`` (ids ``p1``.. and ``o1``.. in order of first
mention). A person's name is the fullest form in the article; mentions are every char span that
names them: full name, surname alone, an unambiguous first name alone, the name part of a
possessive ("Lieberman" in "Lieberman's"). Titles come from three places:

- before the name: "Stamford Mayor Dannel Malloy", "Lt. Gov. Kevin Sullivan",
  "his campaign manager Tom Swan" (org: the campaign of the person "his" points back to);
- an appositive after it: "Robert Proto, President of UNITE-HERE Local 35 in New Haven";
- a description elsewhere: "The Vermont senator said" (:mod:`.descriptions`);
- ``title_hints`` other components add later (endorsements: "candidate for governor").

Organisation work (kinds, acronyms, members, "Local 43 and 24") is in :mod:`.orgs`.
Rules fix what the small NER model gets wrong: titles glued to names, a known surname tagged
ORG or GPE, "and"-joined names in one entity.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from spacy.attrs import ENT_TYPE
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from ..models import Facts, Organization, Person, Title
from .descriptions import assign_descriptions
from .entities import TITLE_LABEL
from .extensions import get_facts, text_of, tokens_spelled, tokens_with
from .lexicon import mapping, norm, word_set
from .orgs import OrgFinder
from .titles import TitleMatch, doc_titles, find_titles, is_title

LOGGER = logging.getLogger(__name__)

PARTICLES = frozenset({"de", "van", "von", "da", "del", "der", "la", "le", "bin", "al", "st.", "di", "du"})
POSSESSIVE = ("\u2019s", "'s", "\u2019", "'")
POSS_PRONOUNS = frozenset({"his", "her", "their", "its"})
_EDGE_PUNCT = "\"'\u201c\u201d\u2018\u2019()[],.;:!?-\u2014\u2013\u2015\xa0 \n\t"
_APPOS_LEAD = re.compile(
    r"^\s*(?:,\s*(?:who\s+(?:is|was|has\s+been|had\s+been|serves\s+as|served\s+as)\s+)?"
    r"|\s+(?:is|was|has\s+been)\s+)"
    r"(?:(?:the|a|an|his|her|its|their)\s+)?(?P<pre>(?:[\w.\-&]+(?:\u2019s|'s|\u2019|')?\s+){0,3}?)$",
    re.IGNORECASE)
# "Director of Government Affairs Phil Smith": a title, its "of" organisation, then the name.
_OF_BEFORE_NAME = re.compile(r"^\s+of\s+(?:the\s+)?(?P<org>(?:[A-Z][\w.&\-]*\s+){1,4})$")
# "Reps. Chris Collins (R-N.Y.) and Duncan Hunter": a plural title covers the names of its list.
_LIST_NEXT = re.compile(r"^\s*(?:\([^()\n]{1,25}\))?\s*(?:,|,?\s+and|,?\s+or|;)\s+$")
_AFTER_TITLE_ORG = re.compile(
    r"^\s+(?:of|at|for|with)\s+(?:the\s+)?(?P<org>[^,.;:\u201c\u201d\"()\n]+?)"
    r"(?=\s+(?:in|who|and|since|until|which|said|says|told)\b|[,.;:\u201c\u201d\"()\n]|$)",
    re.IGNORECASE)
_AFTER_ORG_PLACE = re.compile(r"^\s+in\s+(?P<place>[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){0,3})")


@Language.factory("whipcount_mentions", assigns=["doc._.whipcount"])
def make_mentions(nlp: Language, name: str) -> MentionFinder:
    """The mention component: people, organisations and titles."""
    return MentionFinder()


@dataclass
class _Cluster:
    words: list[str]
    mentions: list[tuple[int, int]] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    full: list[int] = field(default_factory=list)  # starts of the mentions by full name

    @property
    def first(self) -> str:
        return self.words[0]

    @property
    def last(self) -> str:
        return self.words[-1]


class MentionFinder:
    """Find people and organisations, their mentions and people's titles."""

    def __init__(self) -> None:
        self.honorifics = word_set("honorifics.txt")
        self.orgs = OrgFinder()

    def __call__(self, doc: Doc) -> Doc:
        facts = get_facts(doc)
        text = text_of(doc)
        clusters = self._people(doc)
        person_words = {c.last for c in clusters} | {c.first for c in clusters} | {" ".join(c.words) for c in clusters}
        organizations = self.orgs.find(doc, person_words)
        facts.organizations.extend(organizations)
        people = _to_people(clusters)
        facts.people.extend(people)
        titles = list(doc_titles(doc))
        _assign_titles(text, facts, titles, doc)
        assign_descriptions(doc, facts, titles)
        _relabel_ents(doc, facts)
        LOGGER.debug("%d people, %d organisations", len(people), len(organizations))
        return doc

    # -- people ---------------------------------------------------------------------------
    def _candidates(self, doc: Doc) -> list[tuple[int, int, list[str]]]:
        out: list[tuple[int, int, list[str]]] = []
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            for part in _split_name(ent):
                toks = self._clean_name(part)
                if toks:
                    words = [_strip_poss(t.text) for t in toks]
                    out.append((toks[0].idx, toks[-1].idx + len(words[-1]), words))
        out.extend(self._after_titles(doc))
        return out

    def _after_titles(self, doc: Doc) -> list[tuple[int, int, list[str]]]:
        """"moderator Lester Holt", "Secretary-Treasurer Gary Casteel": a name the NER missed or
        called an ORG, right after a title, starting with a known first name."""
        names = _gender_table()
        stop = word_set("not_name_words.txt") | word_set("union_words.txt") | word_set("newspaper_words.txt")
        out: list[tuple[int, int, list[str]]] = []
        for tok in tokens_with(doc, ENT_TYPE, {doc.vocab.strings[TITLE_LABEL]}):
            if tok.i + 2 >= len(doc) or doc[tok.i + 1].ent_type_ == "TITLE":
                continue
            first = doc[tok.i + 1]
            if first.ent_type_ == "PERSON" or first.text.lower() not in names or not first.is_title:
                continue
            toks = [first]
            for nxt in doc[first.i + 1:first.i + 3]:
                if not (nxt.is_title and nxt.is_alpha) or nxt.ent_type_ == "PERSON" or is_title(nxt.text):
                    break
                toks.append(nxt)
            nxt_tok = doc[toks[-1].i + 1] if toks[-1].i + 1 < len(doc) else None
            if any(t.lower_ in stop for t in toks) or nxt_tok is not None and nxt_tok.lower_ in stop:
                continue  # "Chairman Gary Lee Industries": an organisation
            ent = _ent_of(first)
            if len(toks) < 2 or ent is not None and (ent.start != first.i or ent.end > toks[-1].i + 1):
                continue  # one word, or part of a longer name of something else
            words = [_strip_poss(t.text) for t in toks]
            out.append((first.idx, toks[-1].idx + len(words[-1]), words))
        return out

    def _clean_name(self, toks: list) -> list:  # type: ignore[type-arg]
        while toks and (toks[0].lower_ in self.honorifics or toks[0].ent_type_ == "TITLE"
                        or is_title(toks[0].text) or not toks[0].text.strip(_EDGE_PUNCT)):
            toks = toks[1:]
        while toks and (toks[-1].text in POSSESSIVE or not toks[-1].text.strip(_EDGE_PUNCT)):
            toks = toks[:-1]
        if not toks or len(toks) > 5:
            return []
        for t in toks:
            w = _strip_poss(t.text)
            if not w or not (w[0].isupper() or w.lower() in PARTICLES or w[0] in "'\u2019"):
                return []
            if not any(ch.isalpha() for ch in w):
                return []
        if all(is_title(t.text) for t in toks):
            return []
        if len(toks) == 1 and toks[0].text.isupper() and len(toks[0].text) > 3:
            return []  # "NETWORK", "INDIANAPOLIS": a word in capitals, not a name
        if self.orgs.is_known_org(" ".join(t.text for t in toks)):
            return []
        return toks

    def _people(self, doc: Doc) -> list[_Cluster]:
        cands = self._candidates(doc)
        clusters: list[_Cluster] = []
        by_last: dict[str, list[_Cluster]] = {}
        # Full names first, so "Lieberman" before "Joe Lieberman" still finds its person.
        for s, e, words in sorted((c for c in cands if len(c[2]) > 1), key=lambda c: c[0]):
            cl = _match_full(by_last.get(words[-1], []), words)
            if cl is None:
                cl = _Cluster(words=list(words))
                clusters.append(cl)
                by_last.setdefault(words[-1], []).append(cl)
            elif len(words) > len(cl.words):
                cl.words = list(words)
            cl.mentions.append((s, e))
            cl.forms.append(" ".join(words))
            cl.full.append(s)
        by_first: dict[str, list[_Cluster]] = {}
        for cl in clusters:
            by_first.setdefault(cl.first, []).append(cl)
        text = text_of(doc)  # Doc.text joins every token: read it once, not once per name
        for s, e, words in sorted((c for c in cands if len(c[2]) == 1), key=lambda c: c[0]):
            cl = _resolve_single(words[0], s, by_last, by_first, _honorific_gender(text, s),
                                 _word_before(text, s))
            if cl is None:
                cl = _Cluster(words=list(words))
                clusters.append(cl)
                by_last.setdefault(words[0], []).append(cl)
            cl.mentions.append((s, e))
            cl.forms.append(words[0])
        self._scan_tokens(doc, clusters, by_last, by_first)
        return clusters

    def _scan_tokens(self, doc: Doc, clusters: list[_Cluster], by_last: dict[str, list[_Cluster]],
                     by_first: dict[str, list[_Cluster]]) -> None:
        """Add surname / first-name tokens the NER missed or mislabelled (ORG, GPE)."""
        taken = {s for cl in clusters for s, _ in cl.mentions}
        covered: set[int] = set()
        for cl in clusters:
            for s, e in cl.mentions:
                covered.update(range(s, e))
        text = text_of(doc)  # read once: Doc.text joins every token
        for tok in tokens_spelled(doc, set(by_last) | set(by_first)):
            if tok.idx in covered or not tok.is_title:
                continue
            word = tok.text
            if tok.ent_type_ and tok.ent_type_ not in ("PERSON", "ORG", "GPE", "NORP"):
                continue
            ent = _ent_of(tok)
            if ent is not None and len(ent) > 1 and tok.ent_type_ != "PERSON":
                continue  # part of a longer name of something else ("Lieberman Foundation")
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if nxt is not None and nxt.is_title and nxt.text not in POSSESSIVE and \
                    not nxt.is_sent_start and nxt.ent_type_ != "TITLE":
                continue
            owner = _resolve_single(word, tok.idx, by_last, by_first, _honorific_gender(text, tok.idx),
                                    _word_before(text, tok.idx))
            if owner is None or tok.idx in taken:
                continue
            owner.mentions.append((tok.idx, tok.idx + len(word)))
            taken.add(tok.idx)


def _split_name(ent: Span) -> list[list]:  # type: ignore[type-arg]
    parts: list[list] = [[]]  # type: ignore[type-arg]
    for t in ent:
        if t.text in (",", "and", "&", ";", "/") or t.text in ("\u201c", "\u201d", '"'):
            parts.append([])
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


def _strip_poss(word: str) -> str:
    for p in POSSESSIVE:
        if word.endswith(p) and len(word) > len(p):
            return word[: -len(p)]
    return word.strip("\u201c\u201d\"")


def _match_full(cands: list[_Cluster], words: list[str]) -> _Cluster | None:
    for cl in cands:
        if cl.first == words[0] or set(words) <= set(cl.words) or set(cl.words) <= set(words):
            return cl
        a, b = cl.first.rstrip("."), words[0].rstrip(".")
        if (len(a) == 1 or len(b) == 1) and a[:1] == b[:1]:
            return cl
    return None


def _resolve_single(word: str, pos: int, by_last: dict[str, list[_Cluster]],
                    by_first: dict[str, list[_Cluster]], gender: str | None = None,
                   before: str | None = None) -> _Cluster | None:
    cands = by_last.get(word) or []
    if len(cands) == 1:
        return cands[0]
    if len(cands) > 1:
        # "Melania Trump" split by the NER: the first name right before decides.
        own = [c for c in cands if before is not None and c.first == before]
        if len(own) == 1:
            return own[0]
        if gender:
            # "Mrs. Schlafly" is Phyllis, not John: keep the people whose first name fits.
            fit = [c for c in cands if _first_name_gender(c.first) == gender]
            if len(fit) == 1:
                return fit[0]
            cands = fit or cands
        return _bearer_of_surname(cands, pos)
    firsts = [c for c in by_first.get(word, []) if len(c.words) > 1]
    if len(firsts) == 1:
        return firsts[0]
    return None


def _bearer_of_surname(cands: list[_Cluster], pos: int) -> _Cluster:
    """A bare surname shared by several people: its main bearer among those already named in full.

    Only people named in full before ``pos`` qualify (a Tim Scott named once near the end does
    not take the earlier "Scott"s of Bobby Scott); of them, the one with the most mentions so
    far, then the one named latest. When none was named in full yet ("Rep. Robert C.
    \u201cBobby\u201d Scott ... Scott"), it is the one named in full most often, then first.
    """
    named = [i for i, c in enumerate(cands) if any(s < pos for s in c.full)]
    if named:
        score = [(sum(1 for s, _ in cands[i].mentions if s < pos),
                  max(s for s in cands[i].full if s < pos), i) for i in named]
        return cands[max(score)[2]]
    most = max(range(len(cands)), key=lambda i: (len(cands[i].full), -min(cands[i].full, default=pos), -i))
    return cands[most]


def _first_name_gender(word: str) -> str | None:
    return _gender_table().get(word.lower())


def _gender_table() -> dict[str, str]:
    return mapping("first_names.tsv")


def _word_before(text: str, start: int) -> str | None:
    """The word right before ``start`` (on the same line or across one space), if any."""
    m = re.search(r"(\S+)[ \t]+$", text[max(0, start - 30):start])
    return m.group(1) if m else None


def _honorific_gender(text: str, start: int) -> str | None:
    """"m"/"f" when a gendered honorific ("Mrs.", "Mr.") stands right before ``start``."""
    word = _word_before(text, start)
    return mapping("titles_gender.tsv").get(word.lower()) if word else None


def _ent_of(tok) -> Span | None:  # type: ignore[no-untyped-def]
    """The entity a token is in, found by walking its IOB tags (no scan of doc.ents)."""
    if tok.ent_iob_ not in ("B", "I"):
        return None
    doc = tok.doc
    start = tok.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = tok.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=tok.ent_type_)


def _to_people(clusters: list[_Cluster]) -> list[Person]:
    ordered = sorted((c for c in clusters if c.mentions), key=lambda c: min(c.mentions))
    people = []
    for i, cl in enumerate(ordered, 1):
        people.append(Person(id=f"p{i}", name=" ".join(cl.words), mentions=sorted(set(cl.mentions))))
    return people


# -- titles -------------------------------------------------------------------------------
def _assign_titles(text: str, facts: Facts, titles: list[TitleMatch], doc: Doc) -> None:
    by_end = {t.end: t for t in titles}
    starts = sorted(titles, key=lambda t: t.start)
    start_list = [t.start for t in starts]
    mention_owner: list[tuple[int, int, Person]] = sorted(
        (s, e, p) for p in facts.people for s, e in p.mentions)
    for p in facts.people:
        for s, e in p.mentions:
            pre = _title_before(text, s, by_end)
            if pre is not None:
                _add_title(p, _pre_title(text, pre, facts, mention_owner, doc))
            else:
                of = _title_of_before(text, s, starts, start_list)
                if of is not None:
                    _add_title(p, of)
            app = _title_after(text, e, starts, start_list)
            if app is not None:
                _add_title(p, _appositive_title(text, app, facts))
    _plural_titles(text, mention_owner, by_end)


def _title_of_before(text: str, start: int, starts: list[TitleMatch], start_list: list[int]) -> Title | None:
    """"UMWA Director of Government Affairs Phil Smith": title with its "of" part before a name."""
    import bisect
    i = bisect.bisect_left(start_list, start - 60)
    for t in starts[i:]:
        if t.end >= start:
            break
        m = _OF_BEFORE_NAME.match(text[t.end:start])
        if m and not any(is_title(w) for w in m.group("org").split()):
            org = " ".join(m.group("org").split())
            return Title(title=f"{t.text} of {org}", org=org, place=None, span=(t.start, start - 1))
    return None


def _is_plural_title(title: str) -> bool:
    """"Reps." (of "Rep."), "Sens.", "senators", "congressmen": a title naming several people."""
    last = title.split()[-1].lower()
    if last.endswith("men"):
        return is_title(last[:-3] + "man")
    if last.endswith("s.") and len(last) > 3:
        return is_title(last[:-2] + ".")
    return last.endswith("s") and not last.endswith("ss") and is_title(last[:-1])


def _plural_titles(text: str, owners: list[tuple[int, int, Person]], by_end: dict[int, TitleMatch]) -> None:
    """A plural title before a list of names belongs to each ("Sens. A (S.C.), B and C")."""
    for k, (s, e, p) in enumerate(owners):
        pre = _title_before(text, s, by_end)
        if pre is None or not _is_plural_title(pre.text):
            continue
        prev_end = e
        for s2, e2, p2 in owners[k + 1:k + 8]:
            if s2 < prev_end:
                continue
            if not _LIST_NEXT.match(text[prev_end:s2]):
                break
            _add_title(p2, Title(title=pre.text, org=None, place=None, span=(pre.start, pre.end)))
            prev_end = e2


def _title_before(text: str, start: int, by_end: dict[int, TitleMatch]) -> TitleMatch | None:
    for gap in (1, 2):
        t = by_end.get(start - gap)
        if t is not None and not text[t.end:start].strip():
            return t
    return None


def _title_after(text: str, end: int, starts: list[TitleMatch], start_list: list[int]) -> TitleMatch | None:
    import bisect
    i = bisect.bisect_left(start_list, end)
    for t in starts[i:i + 3]:
        if t.start - end > 40:
            break
        # A title followed by a capitalised word is the next name's ("Sullivan, House Speaker Amann").
        if _APPOS_LEAD.match(text[end:t.start]) and not re.match(r"\s+[A-Z]", text[t.end:t.end + 2]):
            return t
    return None


def _pre_title(text: str, t: TitleMatch, facts: Facts, owners: list[tuple[int, int, Person]],
               doc: Doc) -> Title:
    title = t.text
    org = place = None
    left = text[max(0, t.start - 80):t.start]
    m = re.search(r"(?P<w>\w+)\s+$", left)
    if m and m.group("w").lower() in POSS_PRONOUNS:
        owner = _nearest_person_before(owners, t.start - len(m.group(0)))
        if owner is not None and "campaign" in title.lower():
            org = f"{owner.name} campaign"
    else:
        ent = _span_ending_before(doc, t.start)
        if ent is not None and ent.label_ in ("GPE", "LOC"):
            place = ent.text
        elif ent is not None and ent.label_ == "ORG":
            org = ent.text
        elif ent is not None and ent.label_ == "PERSON" and "campaign" in title.lower():
            who = _owner_at(owners, ent.start_char)
            if who is not None:
                org = f"{who.name} campaign"
    return Title(title=title, org=org, place=place, span=(t.start, t.end))


def _span_ending_before(doc: Doc, pos: int) -> Span | None:
    """The entity that ends right before ``pos`` (allowing a possessive 's between)."""
    span = doc.char_span(max(0, pos - 1), pos, alignment_mode="expand")
    if span is None or span.start == 0:
        return None
    i = span.start - 1
    if doc[i].text in POSSESSIVE and i > 0:
        i -= 1
    tok = doc[i]
    if tok.ent_iob_ not in ("B", "I"):
        return None
    return _ent_of(tok)


def _nearest_person_before(owners: list[tuple[int, int, Person]], pos: int) -> Person | None:
    best = None
    for s, _, p in owners:
        if s >= pos:
            break
        if pos - s < 400:
            best = p
    return best


def _owner_at(owners: list[tuple[int, int, Person]], pos: int) -> Person | None:
    for s, e, p in owners:
        if s <= pos < e:
            return p
    return None


def _appositive_title(text: str, t: TitleMatch, facts: Facts) -> Title:
    org = place = None
    after = text[t.end:t.end + 160]
    m = _AFTER_TITLE_ORG.match(after)
    end = t.end
    if m:
        raw = m.group("org").strip()
        org = " ".join(raw.replace("\u2019s ", " ").replace("'s ", " ").split()) or None
        end = t.end + m.end()
        pm = _AFTER_ORG_PLACE.match(text[end:end + 80])
        if pm:
            place = pm.group("place").rstrip(".")
            end += pm.end()
    else:
        lead = text[max(0, t.start - 40):t.start]
        om = re.search(r"(?P<o>[A-Z][\w.\-&]*(?:\s+[A-Z][\w.\-&]*)*)(?:\u2019s|'s)?\s+$", lead)
        if om and _is_org_text(om.group("o"), facts):
            org = om.group("o")
    return Title(title=t.text, org=org, place=place, span=(t.start, end))


def _is_org_text(s: str, facts: Facts) -> bool:
    key = norm(s).lower()
    return any(norm(o.name).lower() == key or key in (a.lower() for a in o.aliases)
               for o in facts.organizations)


def _add_title(p: Person, title: Title) -> None:
    for old in p.titles:
        if old.title.lower() == title.title.lower() and (old.org or "") == (title.org or "") \
                and (old.place or "") == (title.place or ""):
            return
    p.titles.append(title)


def add_title_hint(p: Person, title: str, org: str | None = None, place: str | None = None,
                   span: tuple[int, int] | None = None) -> None:
    """Add a title another component inferred ("candidate for governor"), if not there yet."""
    _add_title(p, Title(title=title, org=org, place=place, span=span))


def _relabel_ents(doc: Doc, facts: Facts) -> None:
    """Make doc.ents agree with the people and organisations found (fixes NER labels)."""
    ours: list[Span] = []
    for label, items in (("PERSON", facts.people), ("ORG", facts.organizations)):
        for item in items:
            for s, e in item.mentions:
                span = doc.char_span(s, e, label=label, alignment_mode="contract")
                if span is not None and len(span):
                    ours.append(span)
    if not ours:
        return
    ours = filter_spans(ours)
    taken = {i for sp in ours for i in range(sp.start, sp.end)}
    rest = [e for e in doc.ents if not any(i in taken for i in range(e.start, e.end))]
    try:
        doc.ents = filter_spans(ours + rest)
    except ValueError:  # never fail the pipeline over a label fix
        LOGGER.debug("could not relabel entities", exc_info=True)


__all__ = ["MentionFinder", "add_title_hint", "Organization"]
