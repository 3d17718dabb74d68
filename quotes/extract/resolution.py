"""Resolution: what a speaker mention stands for.

In: a ``Document`` and a mention (its text, its offset and an appositive role, if any).
Out: ``resolve`` gives (canonical name, role, kind, form): the full name of a person or
organisation the article names ("Medvedev" -> "Dmitry Medvedev", "IHA" -> "International
Harbour Authority"), the person a "he" or "she" most likely means (``last_person``: the
latest subject or speaker of that gender, weighted by how often the article names
them), the organisation "it" or "the company" means, and the person a varied
description means ("the Republican nominee"). ``form`` is how the mention named the
speaker: ``name``, ``pronoun`` or ``description``; ``kind`` is ``person``,
``organisation``, ``group``, ``place`` or ``unknown``.

Resolution reads the document's names and fills its caches; the attribution stage
records each person resolved as a speaker (``Document.speakers``), which later pronouns
then take into account.

Over 400 lines because one ``resolve`` decides every form of mention, and the rules for
pronouns, descriptions and documents call back into it (a "they" that issued a
statement is itself resolved): one module keeps that recursion in sight.
"""
from __future__ import annotations

import bisect
import re

from .document import Document
from .lexicon import (
    DEMONYMS,
    DOCUMENT_NOUNS,
    HEADLINE_WORDS,
    ORG_NOUNS,
    ORG_WORDS,
    PARTY_MEMBERS,
    PLACES,
    ROLE_NOUNS,
    TITLES,
    is_common_word,
    is_first_name,
    is_role_noun,
)
from .mentions import mention_before, modifies
from .names import Entity, gender_of, head_noun, parse

_DOCUMENT_REACH = 600  # characters back to where "the statement" was said to be issued
_THEY_REACH = 400  # characters back to an organisation "they" may mean
_PAIR_REACH = 600  # ... and to the two people named together it may mean
_AND_RE = re.compile(r"(?:\s*\([^()]{1,20}\))?,?\s+and\s+(?:[A-Z][a-z]*\.\s+)?")
_PRONOUN_REACH = 6000  # characters back to look for a pronoun's antecedent
_SALIENCE_SUBJECT = 2.0
_SALIENCE_SPEAKER = 2.5
_DECAY = 400.0
_FREQ = 0.1
_LATEST_SUBJECT = 1.5
# "it" with nothing to stand for: "It's especially common to hear", "It is unclear whether"
_EXPLETIVE_IT_RE = re.compile(
    r"(?:['’]s|\s+(?:is|was|has\s+been|had\s+been|seems|seemed|appears|appeared|would\s+be|will\s+be))\s+"
    r"(?:(?:not|also|still|especially|very|so|quite|really|extremely|increasingly|now|often)\s+)*"
    r"(?:un)?(?:clear|common|likely|possible|impossible|hard|easy|difficult|important|worth|true|time|rare|unusual|"
    r"necessary|surprising|obvious|known|evident|tempting|tough|fair|safe|natural|normal)\s+(?:to|that|whether|if|how|why|what|for)\b"
)
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "their": "they", "its": "it"}
_UNKNOWN_GENDER = 0.8  # chosen among 1.0, 0.8, 0.6, 0.4 on both dev sets (README)
_SURNAME_RE = re.compile(r"(?:Mc|Mac|O['’]|De|Di|La|Le)?[A-Z][a-z]+(?:-[A-Z][a-z]+)?$")  # not a party label ("R-Ore"), not an acronym
_NICKNAME_IN_RE = re.compile(r"(?<=\w) [\"“'‘][A-Z][\w.'’\- ]{0,10}[\"”'’](?= [A-Z])")
_VARIATION_HEADS = {
    "president", "senator", "governor", "nominee", "candidate", "businessman", "businesswoman",
    "billionaire", "mogul", "congressman", "congresswoman", "mayor", "secretary", "chairman",
    "chairwoman", "minister", "lawmaker", "frontrunner", "front-runner", "hopeful", "contender",
    "tycoon", "developer", "incumbent", "challenger", "rival", "speaker", "leader", "democrat",
    "republican", "lady", "judge", "justice", "general", "ambassador", "chief",
    "executive", "founder", "star", "host", "pastor", "activist", "official",
    # epithets for a person already named: "the singer", "the researcher"
    "singer", "guitarist", "musician", "artist", "actor", "actress", "rapper", "comedian", "author",
    "novelist", "filmmaker", "coach", "athlete", "scientist", "researcher", "professor", "economist",
}
_ACRONYM_RE = re.compile(r"[A-Z]{2,6}$")
# A name and the acronym it is given: "Centre for Port Safety (CPS)"
_DEFINED_RE = re.compile(r"((?:[A-Z][\w’'\-]*|of|for|and|the|on|&)(?:[ ](?:[A-Z][\w’'\-]*|of|for|and|the|on|&)){1,9}) \(([A-Z]{2,6})\)$")
_ACRONYM_PAREN_RE = re.compile(r"(?<= )\([A-Z]{2,6}\)")  # where to look for one
_INITIAL_SKIP = {"of", "for", "and", "the", "on", "in", "&"}


def resolve(doc: Document, mention: str, pos: int, app_role: str | None) -> tuple[str | None, str | None, str, str]:
    """(canonical name, role, kind, form) for ``mention``, the text of a mention at
    ``pos``, with ``app_role`` the role an appositive gave it ("X, a spokesman for Y")."""
    if "#" not in mention and _NICKNAME_IN_RE.search(mention):
        mention = _NICKNAME_IN_RE.sub("", mention)
    if mention.isupper() and len(mention) > 3 and mention.replace(" ", "").isalpha():
        mention = mention.title()  # "PENCE:" in a transcript
    mention = _POSSESSIVE_PRONOUNS.get(mention.lower(), mention)  # "his warning": his words
    body = _persons_body(doc, mention, pos)
    if body is not None:
        return body
    men = parse(mention)
    last_word = mention.split()[-1].lower() if mention.split() else ""
    if last_word.endswith("s") and (last_word in ROLE_NOUNS or mention.split()[-1].islower() and is_role_noun(last_word[:-1])) and (
        last_word not in ("boss", "press", "congress", "campaigns") and men.form != "pronoun"
    ):
        return None, None, "group", "description"  # "Democrats", "protesters", "Other leaders"
    if men.form == "name" and men.name:
        toks = men.name.split()
        if len(toks) >= 3 and all(t.isupper() for t in toks):
            return None, None, "unknown", "description"  # a shouted headline, not a name
    if men.form == "name" and men.name:
        ent = doc.names.canonical(men.name, pos) if men.kind == "person" else None
        if ent is not None and len(men.name.split()) == 1:
            ent = _recent_namesake(doc, men.name, pos) or ent
        if ent is not None and ent.kind == "person":
            if app_role and not ent.role:
                ent.role = app_role
            return ent.name, men.role or app_role or ent.role, "person", "name"
        if men.kind == "person" and len(men.name.split()) == 1:
            # a lone capitalised word the article never expands (or an organisation)
            ent2 = doc.names.entities.get(men.name)
            if ent2 is None and is_common_word(men.name):
                return None, None, "unknown", "description"  # "Others", "Leave": a word, not a name
            kind = ent2.kind if ent2 else "person"
            return expand(doc, men.name) if kind == "organisation" else men.name, men.role or app_role, kind, "name"
        return expand(doc, men.name) if men.kind == "organisation" else men.name, men.role or app_role, men.kind, "name"
    if men.form == "pronoun":
        low = mention.lower()
        if low == "i":
            # outside quotation marks "I" is the writer: the byline, when there is one
            return doc.layout.byline, None, "person", "pronoun"
        if low in ("he", "she"):
            gender = {"he": "m", "she": "f"}.get(low)
            if _unnamed_just_before(doc, pos, gender):
                return None, None, "person", "pronoun"
            ent = last_person(doc, pos, gender)
            if ent:
                return ent.name, ent.role, "person", "pronoun"
            return None, None, "person", "pronoun"
        if low == "it":
            if _EXPLETIVE_IT_RE.match(doc.masked, pos + 2):
                return None, None, "unknown", "pronoun"  # "It's common to hear someone complain": no one
            issued = _document_issuer(doc, pos)
            if issued is not None:
                return issued[0], issued[1], issued[2], "pronoun"
            ent = _latest_subject(doc, pos, within=_THEY_REACH)
            if ent is None or ent.kind != "organisation":
                # the organisation just named as a subject, before one named in passing
                ent = _last_kind(doc, pos, "organisation")
            if ent:
                return expand(doc, ent.name), ent.role, "organisation", "pronoun"
        if low == "they":
            # "they" for an organisation, as British English writes of companies and
            # bodies: only when an organisation is the latest named subject, just before
            ent = _latest_subject(doc, pos, within=_THEY_REACH)
            if ent is not None and ent.kind == "organisation":
                return expand(doc, ent.name), None, "organisation", "pronoun"
            pair = _latest_pair(doc, pos, within=_PAIR_REACH)
            if pair is not None:
                return pair, None, "group", "pronoun"
            plural = _plural_subject(doc, pos, within=_THEY_REACH)
            if plural is not None:
                return expand(doc, plural.name), None, "organisation", "pronoun"
        return None, None, men.kind, "pronoun"
    # description
    proper = _proper_description(mention)
    if proper is not None:
        return expand(doc, proper), None, "organisation", "description"
    issuer = _named_document(doc, mention, pos)
    if issuer is not None:
        return issuer, None, "organisation", "description"
    spoken_for = _spokesperson_for(doc, mention, pos)
    if spoken_for is not None:
        head = next((w for w in mention.lower().split() if w.strip(",.") in _SPOKES_HEADS), "spokesperson")
        return spoken_for, head.strip(",."), "organisation", "description"
    issued = _document_source(doc, mention, pos)
    if issued is not None:
        return issued
    words = [w.strip(",.").lower() for w in mention.split()]
    if "and" in words[2:-1] and words[0] in ("the", "his", "her"):
        # "the former governor and current nominee": read the first of the two roles
        words = words[: words.index("and", 2)]
    head = head_noun(words)
    if len(words) >= 2 and words[0].endswith(("'s", "’s")) and men.kind == "person":
        # "China's ambassador to Britain": the person the article described so, owner and all
        for later in (False, True):  # named before, else named only later by the same words
            ent = doc.by_role(words[1:], pos, later=later)
            if ent is not None and words[0][:-2] in " ".join((ent.role or "", *ent.described)).lower():
                return ent.name, ent.role, ent.kind, "description"
    if words and words[0] in ("the", "this", "that", "his", "her", "its", "their"):
        # "the leader of Ennahda": with whose leader said, the head noun alone is not enough
        owned = any(w in _OWNER_PREPS for w in words[2:-1]) and mention.split()[-1][:1].isupper()
        ent = doc.by_role(words[1:], pos, whole=owned)
        if ent is not None and words[0] == "the" and _unnamed_since(doc, head, ent, pos):
            return None, app_role, men.kind, "description"  # "one former adviser said ... the former adviser said"
        if ent is not None:
            return ent.name, ent.role, ent.kind, "description"
        if men.kind == "person" and len(words) <= 6 and words[0] in ("the", "his", "her", "their") and head in _VARIATION_HEADS and not owned:
            # "the Republican nominee", "the New York businessman": news style names a
            # person once and then varies the description
            ent = last_person(doc, pos, gender_of(words))
            if ent is not None:
                return ent.name, ent.role, "person", "description"
        if men.kind == "organisation" and len(words) <= 4:
            ent = _last_kind(doc, pos, "organisation", head=head)
            if ent is None and head in ORG_NOUNS:
                # "the union": the organisation the passage is about, named as a subject
                ent = _last_subject_org(doc, pos)
            if ent:
                return expand(doc, ent.name), None, "organisation", "description"
    return None, app_role, men.kind, "description"


_DETS = ("the", "a", "an")
_OWNER_PREPS = {"of", "for", "at", "to"}
_SPOKES_HEADS = {"spokesman", "spokeswoman", "spokesperson", "spokespeople", "representative"}
_SPOKES_MODIFIERS = {"press", "media", "official", "chief", "deputy", "senior"}
_PARTY_WORDS = {"republican", "democrat", "democratic", "gop", "labour", "tory", "conservative", "liberal", "libertarian"}
_SPOKES_FOR_RE = re.compile(r"(?:an?|the)\s+(?:spokes(?:man|woman|person)|representative)\s+(?:for|of|from|at)\s+(.+)$", re.IGNORECASE)


_BODIES = ("campaign", "office", "administration", "family", "foundation", "lawyers", "attorneys", "aides")
_PERSONS_BODY_RE = re.compile(rf"(?:[Tt]he\s+)?(.+?)(?:'s|’s|(?<=s)'|(?<=s)’)\s+({'|'.join(_BODIES)})$")


def _persons_body(doc: Document, mention: str, pos: int) -> tuple[str | None, str | None, str, str] | None:
    """A person's campaign, office or lawyers ("Sen. Kelly Ayotte's campaign", "Powell's
    office") under the person's canonical name: "Kelly Ayotte's campaign", never with the
    role glued on; None when the owner is no person the article names."""
    stripped = mention.strip(" ,.")
    if not stripped.endswith(_BODIES) or "'" not in stripped and "’" not in stripped:
        return None  # (the cheap tests first: most mentions end in no such word)
    m = _PERSONS_BODY_RE.fullmatch(stripped)
    if m is None:
        return None
    men = parse(m.group(1))
    if men.form != "name" or men.kind != "person" or not men.name:
        return None
    ent = doc.names.canonical(men.name, pos)
    if ent is None or ent.kind != "person":
        return None
    if " " not in men.name and _full_names_with_surname(doc, men.name) > 1:
        return None  # "Clinton's campaign" with two Clintons named: whose, the words don't say
    body = m.group(2)
    kind = "group" if body.endswith("s") else "organisation"
    return f"{ent.name}'s {body}", None, kind, "description"


def _proper_description(mention: str) -> str | None:
    """The name an organisation's description gives by itself: "the French foreign
    ministry", "Russia's foreign ministry", "the People's Daily" (a capitalised word
    and an organisation's head noun, or capitalised words only); else None."""
    words = mention.strip(" ,.").split()
    if words and words[0].lower() in _DETS:
        words = words[1:]
    if len(words) < 2 or any(w in HEADLINE_WORDS for w in words):
        return None
    head = words[-1].lower()
    caps = [w for w in words[:-1] if w[:1].isupper()]
    if head in ORG_NOUNS and head not in ("group", "team", "staff", "party") and caps and all(
        w[:1].isupper() or w.islower() and w.isalpha() for w in words[:-1]
    ) and not any(w.lower() in ROLE_NOUNS and w.lower() not in ORG_NOUNS for w in words[:-1]):
        if head in _GENERIC_HEADS and len(caps) >= 2 and len(caps) == len(words) - 1:
            return " ".join(caps)  # "the Daily Observer newspaper": the name is the capitalised words
        return " ".join(words)
    if all(w[:1].isupper() or w in ("of", "for", "and", "on") for w in words) and words[-1][:1].isupper() and words[-1] not in TITLES and (
        words[-1].lower() not in PARTY_MEMBERS  # "a Florida Democrat": a person, unnamed
    ):
        return " ".join(words)
    return None


_GENERIC_HEADS = {"newspaper", "paper", "website", "site", "magazine", "network", "channel", "station", "company", "firm"}


_ISSUED_RE = re.compile(
    r"\b(?:issued|released|put out|published|sent|posted)\s+(?:an?|another|the|its|their|his|her|a new)\s+(?:[\w-]+\s+)?("
    + "|".join(sorted(DOCUMENT_NOUNS)) + r")\b"
)


_SIGNED_RE = re.compile(r"\s+(?:from|by|of|signed)\b")


def _document_issuer(doc: Document, pos: int) -> tuple[str | None, str | None, str, str] | None:
    """Who issued the document "it" at ``pos`` means ("They put out another statement.
    '...,' it says"): the subject of the sentence just before, when that sentence issues
    a document and names no other author for it."""
    k = bisect.bisect_right(doc._sentence_starts, pos) - 1
    if k < 1:
        return None
    ss, prev = doc.sentences[k][0], doc.sentences[k - 1]
    hit = None
    for m in _ISSUED_RE.finditer(doc.masked, prev[0], ss):
        hit = m
    if hit is None or _SIGNED_RE.match(doc.masked, hit.end()):
        return None  # "a statement from the ministry": its author is named after it
    return _author(doc, prev[0], hit.start(), bare_pronoun=True)


def _author(doc: Document, s: int, v: int, bare_pronoun: bool) -> tuple[str | None, str | None, str, str] | None:
    """The person or organisation named just before the verb at ``v`` (the clause read
    from ``s``) that issued a document; a pronoun the cascade left unresolved is resolved
    here only with ``bare_pronoun``."""
    f = mention_before(doc, s, v)
    if f is None or not bare_pronoun and f.method == "pronoun" and f.antecedent is None:
        return None
    start, end = f.antecedent or (f.start, f.end)
    name, role, kind, _ = resolve(doc, doc.text[start:end], start, None)
    if name is None or kind not in ("person", "organisation"):
        return None
    return name, role, kind, "description"


def _document_source(doc: Document, mention: str, pos: int) -> tuple[str | None, str | None, str, str] | None:
    """Who issued "the statement" (the letter, the report) a mention at ``pos`` names:
    whoever the sentences just before say spoke "in a statement" or "issued a statement"."""
    words = mention.strip(" ,.").lower().split()
    if len(words) != 2 or words[0] != "the" or words[1] not in DOCUMENT_NOUNS:
        return None
    lo = max(0, pos - _DOCUMENT_REACH)
    hits = [m for m in re.finditer(rf"\b(?:said|says|wrote|announced) in an? {words[1]}\b|\b(?:issued|released|sent|published) an? {words[1]}\b", doc.masked[lo:pos])]
    if not hits:
        return None
    verb_at = lo + hits[-1].start()
    return _author(doc, doc.sentence_of(verb_at)[0], verb_at, bare_pronoun=False)


def _named_document(doc: Document, mention: str, pos: int) -> str | None:
    """The organisation a document goes by: "the IMF report", "a Pentagon statement";
    None when the name before the document's noun is no organisation's."""
    words = mention.strip(" ,.").split()
    if len(words) < 3 or words[0].lower() not in _DETS or words[-1].lower() not in DOCUMENT_NOUNS:
        return None
    if not all(w[:1].isupper() for w in words[1:-1]):
        return None
    name = " ".join(words[1:-1])
    men = parse(name)
    if men.form == "name" and men.kind == "organisation" and men.name:
        return expand(doc, men.name)
    ent = doc.names.canonical(name, pos)
    return expand(doc, ent.name) if ent is not None and ent.kind == "organisation" else None


def speaks_for_owner(mention: str) -> bool:
    """Whether a possessive mention names someone who speaks for its owner ("Google's
    spokeswoman"): then the owner is the speaker when it is an organisation."""
    words = mention.strip(" ,.").split()
    return len(words) >= 2 and words[-1].lower() in _SPOKES_HEADS


def _spokesperson_for(doc: Document, mention: str, pos: int) -> str | None:
    """The organisation a spokesperson speaks for: "a spokesman for the company", "a
    spokesperson for the Harbour Authority", "a company spokeswoman", "a Dockside
    spokesman", "Google's spokeswoman"; None when the mention names none the article
    makes knowable, or names a person ("a Rubio spokesman": his words are not Rubio's)."""
    m = _SPOKES_FOR_RE.match(mention.strip(" ,."))
    if m:
        org = m.group(1).strip()
        words = org.split()
        if words[0].lower() == "the" and len(words) == 2 and words[1].lower() in ORG_NOUNS:
            ent = _last_kind(doc, pos, "organisation", head=words[1].lower()) or _last_subject_org(doc, pos)
            return expand(doc, ent.name) if ent else None
        men = parse(org)
        if men.form == "name" and men.kind == "organisation" and men.name:
            return expand(doc, men.name)
        if men.form == "name" and men.kind == "person" and men.name and (men.role or is_first_name(men.name.split()[0])):
            return None  # "a spokesman for Attorney General Ann Roe": hers, not her, words
        return _proper_description(org) or _organisation_named(doc, words[1:] if words[0].lower() == "the" else words, pos)
    words = mention.strip(" ,.").split()
    if len(words) < 2 or words[-1].lower() not in _SPOKES_HEADS:
        return None
    words = words[:-1]
    while len(words) > 1 and words[-1].islower() and words[-1] in _SPOKES_MODIFIERS:
        words = words[:-1]  # "Google's press spokeswoman"
    possessive = words[-1].endswith(("'s", "’s"))
    if possessive:
        words[-1] = words[-1][:-2]  # "Google's spokeswoman", "the company's spokesman"
    elif words[0].lower() in _DETS:
        words = words[1:]  # "a Google spokeswoman", "the company spokesman"
    else:
        return None
    if possessive and words[0].lower() == "the":
        words = words[1:]
    if len(words) == 1 and words[0].lower() in ORG_NOUNS and words[0].islower():
        mod = words[0]
        ent = _last_kind(doc, pos, "organisation", head=mod) or _last_subject_org(doc, pos)
        if ent is None:
            # "WeWork is based in New York. A company spokesperson said": the name the
            # passage is about, unless the article shows it is a person's
            ent = _latest_subject(doc, pos, within=_THEY_REACH)
            ent = ent if ent is not None and (ent.kind == "organisation" or _no_person_shown(doc, ent)) else None
        return expand(doc, ent.name) if ent else None
    return _organisation_named(doc, words, pos)


def _organisation_named(doc: Document, words: list[str], pos: int) -> str | None:
    """The organisation capitalised ``words`` name ("Twitter", "State Department",
    "White House"), unless they name a person, a place, a people or a party."""
    if not words or len(words) > 4 or not words[-1][:1].isupper() or not all(
        w[:1].isupper() or w in ("of", "for", "and", "&") for w in words
    ):
        return None
    name = " ".join(words)
    ent = doc.names.entities.get(name) or doc.names.canonical(name, pos)
    if ent is not None and ent.kind == "organisation" or parse(name).kind == "organisation" or (
        name in PLACES and any(w in ORG_WORDS for w in words)  # "a White House spokesman"
    ):
        return expand(doc, ent.name if ent is not None and ent.kind == "organisation" else name)
    if name in PLACES or _demonym(doc, name) or words[-1].lower() in _PARTY_WORDS:
        return None  # "a Florida spokesman", "a Chinese spokesman", "a Democratic spokesman": whose, the words don't say
    if (ent is None or ent.kind == "person" and _no_person_shown(doc, ent)) and not _full_names_with_surname(doc, name):
        # "a Twitter spokesman", "an Intel spokeswoman": a name nothing in the article
        # shows to be a person's is the organisation's
        return expand(doc, name)
    return None


def _demonym(doc: Document, name: str) -> bool:
    """Whether ``name`` names a people ("Chinese", "Ruritanian"), not an organisation
    ("the Guardian": the article writes it with "the")."""
    if name in DEMONYMS:
        return True
    return " " not in name and name.endswith(("ese", "ian", "ean", "ish")) and f"the {name}" not in doc.masked and (
        f"The {name}" not in doc.masked
    )


def _full_names_with_surname(doc: Document, surname: str) -> int:
    """How many people the article names in full with ``surname`` for their last word."""
    return sum(1 for e in doc.names.entities.values() if e.kind == "person" and len(e.tokens) >= 2 and e.tokens[-1] == surname)


def _no_person_shown(doc: Document, ent: Entity) -> bool:
    """Whether nothing in the article shows ``ent`` to be a person: no gender, no role or
    title, no fuller name, no first name known as one."""
    full = doc.names.canonical(ent.name)
    if full is not None and full is not ent:
        return False  # "Lopez", named in full as "Maria Lopez" before
    return ent.kind == "person" and ent.gender is None and not ent.role and not (ent.tokens and is_first_name(ent.tokens[0]))


def antecedent(doc: Document, name: str, kind: str | None, pos: int) -> tuple[int, int] | None:
    """Offsets of the latest mention before ``pos`` that names ``name`` (the person or
    organisation a pronoun or description there was resolved to)."""
    first = bisect.bisect_left(doc.mentions, pos, key=lambda x: x[0])
    for ms, me, men in reversed(doc.mentions[:first]):
        if not men.name:
            continue
        if kind == "person":
            ent = doc.names.canonical(men.name)
            hit = ent is not None and ent.name == name
        else:
            hit = men.name == name or expand(doc, men.name) == name
        if hit:
            return ms, me - 2 if doc.text[me - 2 : me] in ("'s", "’s") else me
    return None


def last_person(doc: Document, pos: int, gender: str | None = None) -> Entity | None:
    """The person a "he"/"she" at ``pos`` most likely means: the latest sentence subject
    or speaker before it, else the latest person named (``gender`` "m", "f" or None for
    either; a person of unknown gender matches both)."""
    subject_ents = _fill_person_ents(doc)
    ok = lambda e: gender is None or e.gender is None or e.gender == gender
    # Score each candidate by how recently it was a subject or speaker, and how much the
    # article is about it (how often it is named).
    scores: dict[str, float] = {}
    ents: dict[str, Entity] = {}
    lo = pos - _PRONOUN_REACH
    first = bisect.bisect_left(subject_ents, lo, key=lambda x: x[0])
    latest = None
    # (``ok`` and ``max`` spelt out in the loops, to the same effect: they run for every mention)
    for ms, ent in subject_ents[first:]:
        if ms >= pos:
            break
        if gender is None or ent.gender is None or ent.gender == gender:
            name, score = ent.name, _SALIENCE_SUBJECT / (1 + (pos - ms) / _DECAY)
            had = scores.get(name)
            if had is None or score > had:
                scores[name] = score
            ents[name] = ent
            latest = name
    if latest is not None:
        scores[latest] *= _LATEST_SUBJECT  # the last compatible subject is the default antecedent
    first = bisect.bisect_left(doc.speakers, lo, key=lambda x: x[0])
    for sp_pos, name in doc.speakers[first:]:
        if sp_pos < pos:
            speaker = doc.names.entities.get(name)
            if speaker is not None and ok(speaker):
                score = _SALIENCE_SPEAKER / (1 + (pos - sp_pos) / _DECAY)
                had = scores.get(name)
                if had is None or score > had:
                    scores[name] = score
                ents[name] = speaker
    first = bisect.bisect_left(doc.person_ents, lo, key=lambda x: x[0])
    for ms, ent in doc.person_ents[first:]:
        if ms >= pos:
            break
        if gender is None or ent.gender is None or ent.gender == gender:
            name, score = ent.name, 1.0 / (1 + (pos - ms) / _DECAY)
            had = scores.get(name)
            if had is None or score > had:
                scores[name] = score
            ents[name] = ent
    if not scores:
        return None
    counts = doc.entity_counts()
    # a person known to match the pronoun's gender is likelier than one of unknown gender
    agree = lambda n: 1.0 if gender is None or ents[n].gender == gender else _UNKNOWN_GENDER
    name = max(scores, key=lambda n: scores[n] * agree(n) * (1 + _FREQ * min(counts.get(n, 1), 10)))
    return ents[name]


def expand(doc: Document, name: str) -> str:
    """An acronym's full name when the article spells it out ("IHA" -> "International
    Harbour Authority"); any other name unchanged."""
    short = name.removeprefix("the ").removeprefix("The ")
    words = short.split()
    if not words or not _ACRONYM_RE.match(words[-1]):
        return name
    if doc.acronyms is None:
        doc.acronyms = {}
        # "the Harbour Safety Agency (HSA)": the article defines it
        for paren in _ACRONYM_PAREN_RE.finditer(doc.text):
            m = _DEFINED_RE.search(doc.text, max(0, paren.start() - 200), paren.end())
            if m is None:
                continue
            full = m.group(1).split()
            while full and (full[0].lower() in _INITIAL_SKIP or not full[0][:1].isupper()):
                full = full[1:]
            if len(full) >= 2:
                doc.acronyms.setdefault(m.group(2), " ".join(full))
        inner: dict[str, set[str]] = {}
        for ent in doc.names.entities.values():
            ws = [w for w in ent.name.split() if w.lower() not in _INITIAL_SKIP]
            if len(ws) >= 2 and ent.kind in ("organisation", "person", "place") and all(w[:1].isupper() for w in ws):
                initials = "".join(w[0] for w in ws)
                doc.acronyms.setdefault(initials, ent.name)
                if ent.kind == "organisation":
                    # "CDC" for the U.S. Centers for Disease Control and Prevention: the
                    # initials of a run of its words, three or more
                    for i in range(len(initials)):
                        for j in range(i + 3, len(initials) + (i > 0)):
                            inner.setdefault(initials[i:j], set()).add(ent.name)
        for short, names in inner.items():
            if len(names) == 1:
                doc.acronyms.setdefault(short, next(iter(names)))
    full_name = doc.acronyms.get(words[-1])
    if full_name is None:
        return name
    if len(words) == 1:
        return full_name
    # "the Harbour HSA" for the Harbour Safety Agency: the modifier is part of its name
    return full_name if full_name.startswith(" ".join(words[:-1]) + " ") else name


# "the man", "a 45-year-old woman": a person the article describes and does not name
_UNNAMED_RE = re.compile(
    r"\b(?:[Tt]he|[Aa]n?|[Oo]ne)\s+(?:[\w-]+\s+){0,2}?(man|woman|boy|girl|gentleman|lady|father|mother|son|daughter|"
    r"husband|wife|patient|victim|driver|passenger|resident|witness)\b"
)
_UNNAMED_GENDER = {"man": "m", "boy": "m", "gentleman": "m", "father": "m", "son": "m", "husband": "m",
                   "woman": "f", "girl": "f", "lady": "f", "mother": "f", "daughter": "f", "wife": "f"}


# A word that may stand between "a" and a noun it modifies ("a former", not "a question for the")
_MODIFIER = r"(?!(?:for|of|the|to|with|in|on|at|by|from|and|or|about|who|that)\b)[a-z][\w\-]*"


_APPOSED_RE = re.compile(r"[A-Z][\w.'’\-]*,\s$")


def _unnamed_since(doc: Document, head: str, ent: Entity, pos: int) -> bool:
    """Whether someone unnamed of the same description ("one former adviser", "a
    spokesman") was brought in after ``ent`` was last named before ``pos``: then "the
    former adviser" at ``pos`` is that one."""
    if not head.isalpha():
        return False
    last = max((p for p in ent.positions if p < pos), default=0)
    intro = re.compile(rf"\b(?:[Oo]ne|[Aa]n?|[Aa]nother)\s+(?:{_MODIFIER}\s+){{0,3}}{head}\b(?!,?\s+[A-Z])")
    # (not an appositive: "Sean Smith, a former adviser," is the named one)
    return any(not _APPOSED_RE.search(doc.masked, max(0, m.start() - 40), m.start()) for m in intro.finditer(doc.masked, last, pos))


def _unnamed_just_before(doc: Document, pos: int, gender: str | None) -> bool:
    """Whether the person last mentioned before a "he"/"she" at ``pos``, in its sentence
    or the one before, is one the article describes but never names ("Eventually the man
    recovered. As he related, ...") and of the pronoun's gender: then "he" is that man,
    not the last person named."""
    ss = doc.sentence_of(pos)[0]
    start = doc.sentence_of(max(0, ss - 2))[0] if ss > 0 else ss
    last = None
    for m in _UNNAMED_RE.finditer(doc.masked, start, pos):
        last = m
    if last is None or _UNNAMED_GENDER.get(last.group(1), gender) != gender:
        return False
    _fill_person_ents(doc)
    first = bisect.bisect_left(doc.person_ents, last.start(), key=lambda x: x[0])
    # a name after the description ("the man, Tom Hale,") or before the pronoun speaks for itself
    return not (first < len(doc.person_ents) and doc.person_ents[first][0] < pos)


def _fill_person_ents(doc: Document) -> list[tuple[int, Entity]]:
    """The people named as subjects, and named at all, in reading order (once per article);
    returns the subjects."""
    if doc.subject_ents is not None:
        return doc.subject_ents
    doc.subject_ents = []
    for ms, me, men in doc.subjects:
        if men.kind == "person" and men.name:
            ent = doc.names.canonical(men.name, ms)
            if ent is not None and ent.kind == "person" and (len(ent.tokens) >= 2 or men.role or (ent.gender and _SURNAME_RE.match(ent.name))):
                doc.subject_ents.append((ms, ent))
    doc.person_ents = []
    for ms, me, men in doc.mentions:
        if men.kind == "person" and men.name:
            ent = doc.names.canonical(men.name)
            if ent is not None and ent.kind == "person" and (len(ent.tokens) >= 2 or (ent.gender and _SURNAME_RE.match(ent.name))):
                doc.person_ents.append((ms, ent))
    return doc.subject_ents


def _recent_namesake(doc: Document, surname: str, pos: int, within: int = 400) -> Entity | None:
    """Of two people sharing a surname, the one just named as a sentence's subject
    ("Chief Lena Brandt says ... Brandt added" after an earlier Paul Brandt)."""
    subject_ents = _fill_person_ents(doc)
    best = None
    first = bisect.bisect_left(subject_ents, pos - within, key=lambda x: x[0])
    for ms, ent in subject_ents[first:]:
        if ms >= pos:
            break
        if len(ent.tokens) >= 2 and ent.tokens[-1] == surname:
            best = ent
    return best


def _last_kind(doc: Document, pos: int, kind: str, head: str | None = None, within: int | None = None) -> Entity | None:
    """The entity of the latest mention of ``kind`` before ``pos`` (whose name holds
    ``head``, when given)."""
    best = None
    for ms, me, men in doc.mentions:
        if ms >= pos:
            break
        if within is not None and pos - ms > within:
            continue
        if men.kind == kind and men.name and (head is None or head in men.name.lower().split()):
            best = doc.names.entities.get(men.name)
    return best


def _latest_subject(doc: Document, pos: int, within: int) -> Entity | None:
    """The entity of the latest mention opening a sentence before ``pos`` (within
    ``within`` characters), when no plural description opens a sentence after it."""
    best = None
    for ms, me, men in doc.subjects:
        if ms >= pos:
            break
        if pos - ms <= within and men.name:
            best = (ms, doc.names.entities.get(men.name))
    if best is None:
        return None
    ss = doc.sentence_of(best[0])[1]
    for s0, _ in doc.sentences[bisect.bisect_left(doc._sentence_starts, ss) :]:
        if s0 >= pos:
            break
        first = doc.masked[s0 : s0 + 40].split()[:3]
        if any(w.lower().strip(",") in ROLE_NOUNS and w.lower().endswith("s") for w in first):
            return None  # "Officials ...": a group the pronoun may mean
    return best[1]


# A verb in the plural straight after a subject: "Big Machine have denied", "Acme are"
_PLURAL_VERB_RE = re.compile(r"\s+(?:(?:also|now|since|twice|repeatedly|previously|already|both)\s+)?(?:have|are|were|say|deny|insist|claim|argue)\b")


def _plural_subject(doc: Document, pos: int, within: int) -> Entity | None:
    """The latest sentence subject before ``pos`` when it is one name (no gender known)
    that its verb makes plural: British English writes "Big Machine have denied it" of a
    company, and no single person takes "have" or "are"."""
    k = bisect.bisect_left(doc.subjects, pos, key=lambda x: x[0])
    if k == 0 or pos - doc.subjects[k - 1][0] > within:
        return None
    _, me, men = doc.subjects[k - 1]
    if not men.name or men.form != "name" or not _PLURAL_VERB_RE.match(doc.masked, me):
        return None
    ent = doc.names.entities.get(men.name)
    if ent is None or ent.gender is not None:
        return None
    return ent


def _latest_pair(doc: Document, pos: int, within: int) -> str | None:
    """"A and B" when the latest sentence subject before ``pos`` is one of two people
    named together ("Sens. Ann Roe and Tom Baker wrote ... they said")."""
    subjects = [x for x in doc.subjects if x[0] < pos]
    if not subjects or pos - subjects[-1][0] > within:
        return None
    ms = subjects[-1][0]
    people = [x for x in doc.mentions if x[2].kind == "person" and x[2].name]
    k = next((n for n, x in enumerate(people) if x[0] == ms), None)
    if k is None:
        return None
    for a, b in ((k - 1, k), (k, k + 1)):
        if a < 0 or b >= len(people) or people[b][0] >= pos:
            continue
        if _AND_RE.fullmatch(doc.masked, people[a][1], people[b][0]):
            first, second = doc.names.canonical(people[a][2].name or ""), doc.names.canonical(people[b][2].name or "")
            if first is not None and second is not None and first is not second:
                return f"{first.name} and {second.name}"
    return None


def _last_subject_org(doc: Document, pos: int, within: int = 1500) -> Entity | None:
    """The latest organisation named (in full) as a sentence subject before ``pos``."""
    best = None
    for ms, me, men in doc.subjects:
        if ms >= pos:
            break
        if pos - ms <= within and men.kind == "organisation" and men.name and len(men.name.split()) >= 2 and not modifies(doc.masked, me):
            best = doc.names.entities.get(men.name)
    return best
