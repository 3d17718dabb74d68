"""Speaker mentions: split a mention into role and name, tell people from
organisations, and gather an article's names so that "Medvedev", "he" and "the Russian
president" can be resolved to "Dmitry Medvedev".

Over 400 lines because parsing one mention (``parse``) and scanning a text for them
(``scan_names``) share the same patterns of names, titles, particles and roles, and the
article's ``Names`` matches by the tokens those give."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .lexicon import (
    DOCUMENT_NOUNS,
    FEMALE_NAMES,
    FEMALE_WORDS,
    HEADLINE_WORDS,
    HONORIFICS,
    MALE_NAMES,
    MALE_WORDS,
    NON_NAME_CAPS,
    ORG_NOUNS,
    ORG_WORDS,
    PARTY_MEMBERS,
    PLACES,
    ROLE_NOUNS,
    ROLE_WORDS,
    TITLES,
    is_common_word,
    is_first_name,
    is_role_noun,
)

_NAME_PARTICLES = ("de", "da", "van", "von", "der", "den", "del", "della", "la", "le", "bin", "ibn", "al", "el", "di", "du",
                   "dos", "das", "ter")
_PARTICLES = rf"(?:{'|'.join(_NAME_PARTICLES)}|st\.)"
# A capitalised name token: Obama, O'Neill, McCain, Al-Baghdadi, el-Gallal, J., U.S.
_ABBREVIATED = (
    r"(?:Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Cmdr|Maj|Jr|Sr|St|Rev|"
    r"Prof|Pres|Ald|Atty|Supt|Insp|Cpl|Pvt|Msgr|Fr)"
)
_PREFIXES = ("al", "el", "bin", "ad", "as", "an", "abu", "ben")  # al-Assad, bin-Talal
_PREFIX = f"(?:{'|'.join(_PREFIXES)})"
CAP = rf"(?:[A-Z]\.(?:[A-Z]\.)+|{_ABBREVIATED}\.|[A-Z]\.(?=\s)|(?:{_PREFIX}-)?[A-Z][\w'’\-]*(?:&[A-Z][\w'’\-]*)?)"
_SP = r"[ \t\u00a0]+"
NAME_SEQ = rf"(?=[A-Zaeb])(?:{CAP})(?:{_SP}(?:{_PARTICLES}{_SP})?{CAP})*"
NAME_RE = re.compile(NAME_SEQ)
# NAME_RE with its first character consumed up front, so that the regex engine can skip
# straight to the next candidate (a capital, or the a/b/e of "al-", "bin-", "el-", ...);
# the look-behinds then tell which of CAP's branches that character began. Same matches.
_CAPITAL_REST = rf"(?:\.(?:[A-Z]\.)+|(?<=(?={_ABBREVIATED}\.).)[a-z]+\.|\.(?=\s)|[\w'’\-]*(?:&[A-Z][\w'’\-]*)?)"
_NAME_REST = rf"(?:{_SP}(?:{_PARTICLES}{_SP})?{CAP})*"
_NAME_SCAN_RE = re.compile(rf"[A-Zabe](?:(?<=[A-Z]){_CAPITAL_REST}|(?<=(?={_PREFIX}-[A-Z]).)[a-z]*-[A-Z][\w'’\-]*){_NAME_REST}")
# ... and for text without a prefixed name ("al-Assad"), where only capitals start one
_CAPITAL_SCAN_RE = re.compile(rf"[A-Z]{_CAPITAL_REST}{_NAME_REST}")
_PREFIXED_RE = re.compile(r"-(?=[A-Z])(?:" + "|".join(f"(?<={p}-)" for p in _PREFIXES) + ")")
_POSS_RE = re.compile(r"['’]s?$")
_ACRONYM_RE = re.compile(r"^(?:[A-Z]{2,6}|(?:[A-Z]\.){2,4}|[A-Z]{1,3}&[A-Z]{1,3})$")  # NATO, U.N., AT&T
_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}


@dataclass
class Mention:
    """A speaker as written, read: who (``name``), what they are (``role``), ``kind``."""

    text: str
    name: str | None
    role: str | None
    kind: str  # person | organisation | group | unknown
    form: str  # name | pronoun | description
    gender: str | None = None  # m | f when the mention shows it


def split_role(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split "Russian President Dmitry Medvedev" into (role tokens, name tokens)."""
    last_title = -1
    for i, t in enumerate(tokens[:-1]):
        if t in TITLES or t.lower() in ROLE_WORDS and not t[:1].isupper():
            last_title = i
        elif i and i < len(tokens) - 2 and t[:1].isupper() and is_role_noun(t.lower()) and t.lower() not in ORG_NOUNS and (
            not is_first_name(t)
        ):
            last_title = i  # "NASA Administrator Jim Bridenstine"
    if last_title < 0:
        return [], tokens
    return tokens[: last_title + 1], tokens[last_title + 1 :]


def clean_role(role_tokens: list[str]) -> str | None:
    toks = [t for t in role_tokens if t not in HONORIFICS]
    while toks and toks[0].lower() in ("the", "a", "an", "former"):
        toks = toks[1:] if toks[0].lower() != "former" else toks
        if toks and toks[0].lower() == "former":
            break
    return " ".join(toks).strip(" .,;:") or None


def is_org_name(tokens: list[str]) -> bool:
    if any(t.rstrip(".,") in ORG_WORDS for t in tokens):
        return True
    if len(tokens) == 1 and (_ACRONYM_RE.match(tokens[0]) or _CAMEL_RE.match(tokens[0])):
        return True  # NATO, PolitiFact, InsideSources
    return False


# An inner capital after a plain start marks a brand; McCain, DeSantis, O'Neill are names.
_CAMEL_RE = re.compile(r"^(?!Mc|Mac|De|Di|Da|La|Le|Van|Von|O['’])[A-Z][a-z]{2,}[A-Z][a-z]+$")


def parse(mention: str) -> Mention:
    """Read a speaker mention as written ("he", "a spokesman", "Sen. Ted Cruz")."""
    cached = _PARSED.get(mention)
    if cached is None:
        cached = _parse(mention)
        if len(_PARSED) > 50000:
            _PARSED.clear()
        _PARSED[mention] = cached
    return Mention(cached.text, cached.name, cached.role, cached.kind, cached.form, cached.gender)


_PARSED: dict[str, Mention] = {}
_ROLE_PREPS = {"to", "for", "of", "at", "from", "with", "in"}
_ABBR = {"gov.": "governor", "sen.": "senator", "rep.": "representative", "gen.": "general",
         "sec.": "secretary", "pres.": "president", "lt.": "lieutenant", "atty.": "attorney",
         "gov": "governor", "sen": "senator", "rep": "representative", "congressman": "representative",
         "congresswoman": "representative", "congressmember": "representative", "chairwoman": "chairman",
         "chair": "chairman", "chairperson": "chairman", "spokeswoman": "spokesman", "spokesperson": "spokesman",
         "ceo": "executive", "businesswoman": "businessman"}


def _parse(mention: str) -> Mention:
    m = mention.strip().strip(",")
    low = m.lower()
    if low in ("he", "she", "i", "him", "her"):
        return Mention(mention, None, None, "person", "pronoun")
    if low in ("they", "we", "who", "you"):
        return Mention(mention, None, None, "group" if low != "who" else "unknown", "pronoun")
    if low == "it":
        return Mention(mention, None, None, "organisation", "pronoun")
    trimmed = _trim(m)
    if trimmed != m:
        if not trimmed:
            return Mention(mention, None, None, "unknown", "description")
        inner = _parse(trimmed)
        inner.text = mention
        return inner
    label = _PARTY_LABEL_RE.search(m)
    if label and label.start() > 0:
        # "Claire McCaskill (D-Mo.)": the party and state are a role
        found = _person_with_role(mention, m[: label.start()], after=label.group(1))
        if found is not None:
            return found
    if m.endswith(("s'", "s’")):
        m = m[:-1]  # "Davis'": a possessive, not part of the name
    words = m.split()
    first = words[0].lower() if words else ""
    if any(w in HEADLINE_WORDS for w in words[1:]):
        return Mention(mention, None, None, "unknown", "description")  # a headline, not a name
    if len(words) >= 2 and words[-1].lower().rstrip(".,") in PARTY_MEMBERS and " ".join(words[:-1]) in PLACES:
        return Mention(mention, None, None, "person", "description")  # "an Iowa Republican": who, unnamed
    if len(words) == 1 and (_plain_word(words[0]) and first not in ORG_NOUNS or _STATE_ABBR_RE.match(words[0]) or _PARTY_STATE_RE.match(words[0])):
        # "Teachers", "Republican", "Md.", "D-Ore" (a party label): a word, not a name ("Police", "the Commission"
        # stay the short names of the organisations the article names)
        kind = "group" if words[0].endswith("s") or first in _PARTY_WORDS else "unknown"
        return Mention(mention, None, None, kind, "description")
    acronym = next((i for i, w in enumerate(words[:-1]) if w.rstrip(".") in ROLE_ACRONYMS and _is_capword(words[i + 1])), None)
    if acronym is not None:
        # "Verizon CIO Shaygan Kheradpir", "VP Marni Walden": the role, then the name
        found = _person_with_role(mention, " ".join(words[acronym + 1 :]), before=" ".join(words[: acronym + 1]))
        if found is not None:
            return found
    poss = next((i for i, w in enumerate(words[:-1]) if w.endswith(("'s", "’s")) and w[:1].isupper()), None)
    if poss is not None and all(map(_is_capword, words[poss + 1 :])):
        # "NBC's Ann Reyes", "American Action Forum’s Douglas Holtz-Eakin": where they work
        # is a role, never a part of the name
        owner = words[1:poss + 1] if first == "the" else words[: poss + 1]
        owner = [_POSS_RE.sub("", w) for w in owner]
        found = _person_with_role(mention, " ".join(words[poss + 1 :]), before=" ".join(owner), min_tokens=1 if is_org_name(owner) else 2)
        if found is not None:
            return found
    if len(words) >= 3 and _is_capword(words[1]) and words[0] not in TITLES and (
        _plain_word(words[0]) and first not in ORG_NOUNS or words[0] in PLACES or _ACRONYM_RE.match(words[0])
        or is_role_noun(first) and not is_first_name(first) and (
            is_first_name(words[1]) or len(words[1]) > 2 and words[1].isalpha()  # "Farmer Chad Smith", not "Hunter S. Baker"
        )
    ):
        # "Republican Donald Trump", "Rival Hillary Clinton", "Britain Liu Xiaming", "NASA Steve Clarke"
        if not _ACRONYM_RE.match(words[0]) or is_first_name(words[1]):
            found = _person_with_role(mention, " ".join(words[1:]), before=words[0], min_tokens=2)
            if found is not None:
                return found
    if len(words) > 1 and _AGE_RE.match(words[0]):
        # "43-year-old Martin Taylor": the age is a description, not a name
        found = _person_with_role(mention, " ".join(words[1:]), before=words[0])
        if found is not None:
            return found
    office = next((i for i in range(min(3, len(words) - 2)) if words[i] in TITLES and words[i + 1] == "of"), None)
    if office is not None and (office == 0 or all(_is_capword(w) for w in words[:office])):
        # "Secretary of State Mike Pompeo", "U.S. Secretary of State Hillary Rodham Clinton"
        at = _name_start(words, office + 2)
        found = _person_with_role(mention, " ".join(words[at:]), before=" ".join(words[:at])) if at is not None else None
        if found is not None:
            return found
        if at is None and all(_is_capword(w) or w in _SMALL_WORDS for w in words[office + 2 :]):
            return Mention(mention, None, m, "person", "description")  # "Secretary of State", no name
    if words and words[0][:1].isupper() and _is_capword(words[-1]) and first not in ("a", "an"):
        # "NASA administrator Jim Bridenstine": an organisation, its role words, the name
        # ("A spokesman for candidate Ann Roe" is someone unnamed, who speaks for her)
        low_at = [i for i, w in enumerate(words) if w[:1].islower() and w not in _NAME_PARTICLES]
        if low_at and low_at[-1] < len(words) - 1 and words[low_at[-1]] not in _ROLE_PREPS and any(
            words[i] in ROLE_NOUNS or words[i] in ROLE_WORDS and words[i] not in _SMALL_WORDS for i in low_at
        ):  # (not "China's ambassador to Britain": a role and where, no name)
            cut = low_at[-1] + 1
            found = _person_with_role(mention, " ".join(words[cut:]), before=" ".join(words[:cut]))
            if found is not None:
                return found
    if words and (words[0][:1].islower() or words[0][:1].isdigit()) and first not in _DESC_DETS and _is_capword(words[-1]):
        # "union leader Sam Ortiz": lowercase role words, then the name
        cut = max((i for i, w in enumerate(words) if not _is_capword(w)), default=-1) + 1
        if 0 < cut < len(words):
            inner = _parse(" ".join(words[cut:]))
            if inner.form == "name" and inner.kind == "person":
                inner.text = mention
                inner.role = " ".join(words[:cut] + ([inner.role] if inner.role else []))
                return inner
    owner_at = next((i for i, w in enumerate(words[:-1]) if w.endswith(("'s", "’s")) and w[:1].isupper()), None)
    cap_at = next((i for i, w in enumerate(words[owner_at + 1 :], owner_at + 1) if not w[:1].islower()), len(words)) if owner_at is not None else 0
    possessive_desc = owner_at is not None and cap_at > owner_at + 1 and (
        cap_at == len(words) or words[cap_at - 1] in _ROLE_PREPS  # "China's ambassador to Britain"
    )  # "Obama's former campaign strategist", "candidate Gary Johnson's doctor"
    if first in ("the", "a", "an", "one", "another", "his", "her", "their", "its", "our", "some", "several", "two", "three", "many", "most", "other") or (
        words and words[0][:1].islower()
    ) or possessive_desc:  # "Obama's former campaign strategist"
        # A description, unless "the" just opens an organisation's name.
        rest = words[1:] if first in ("the",) else words
        if rest and all(w[:1].isupper() or w in ("of", "for", "and", "&", "on", "de") for w in rest) and is_org_name(rest):
            name = " ".join(rest)
            return Mention(mention, name, None, "organisation", "name")
        heads = [w.strip(",.").lower() for w in words]
        kind = "person"
        head = head_noun(heads)
        if head in ORG_NOUNS or head in DOCUMENT_NOUNS or any(w in ORG_WORDS for w in words[1:4]):
            kind = "organisation"
        elif head.endswith("s") and head not in ("boss",):
            kind = "group"
        return Mention(mention, None, None, kind, "description")
    for sep in (" of ", " at ", " from "):
        if sep in m and m[:1].isupper():
            head, _, tail = m.partition(sep)
            inner = _parse(head)
            if inner.form == "name" and inner.kind == "person" and inner.name:
                inner.text = mention
                inner.role = (inner.role + " " if inner.role else "") + sep.strip() + " " + tail
                return inner
    toks = [_POSS_RE.sub("", t) if t.endswith(("'s", "’s")) else t for t in words]
    joint = next((i for i, t in enumerate(toks) if t in ("of", "for")), 0)
    if joint and toks[joint - 1] in ORG_WORDS and is_org_name(toks[:joint]) and not any(
        t in TITLES or t.lower() in ROLE_WORDS for t in toks[joint + 1 :]
    ):
        # "Association of Dock Workers", "Department of Harbours"
        org = toks[1:] if toks[0].lower() == "the" else toks
        return Mention(mention, " ".join(org), None, "organisation", "name")
    role_toks, name_toks = split_role(toks)
    name_toks = [t for t in name_toks if t not in HONORIFICS] or name_toks
    if " ".join(name_toks) in PLACES or (name_toks and name_toks[-1] in PLACES and len(name_toks) <= 2):
        return Mention(mention, " ".join(name_toks), clean_role(role_toks), "place", "name")
    if 2 <= len(name_toks) <= 3 and name_toks[0] in PLACES and not role_toks and not any(map(is_first_name, name_toks[:2])):
        # "Dallas Cowboys", "the Dallas Ebola patient": a place's team, paper or thing, no person
        return Mention(mention, " ".join(name_toks), None, "organisation", "name")
    if is_org_name(name_toks) or (not role_toks and is_org_name(toks)):
        org = toks if is_org_name(toks) else toks[len(role_toks) :]
        if org and org[0].lower() == "the":
            org = org[1:]
        return Mention(mention, " ".join(org) or None, None, "organisation", "name")
    name = " ".join(name_toks)
    gender = gender_of([t for t in toks if t in HONORIFICS]) or gender_of(name_toks)
    return Mention(mention, name or None, clean_role(role_toks), "person", "name", gender)


#: Roles written as capitals before a name ("CIO", "VP", "GM")
ROLE_ACRONYMS = {"CEO", "CFO", "COO", "CTO", "CIO", "CMO", "CSO", "GM", "VP", "SVP", "EVP", "Supt", "Insp", "Det"}
_DASHES = "-–—"


def _trim(m: str) -> str:
    """``m`` without what only runs into a name from the text around it: common words
    opening a sentence before it ("Longtime Donald Trump", "Replied Stephen", "Recently
    I"), dashes after it ("I--"), and the "I" of the next clause ("Nippers I")."""
    words = m.split()
    out = words
    while len(out) >= 2 and out[0].lower() not in _DESC_DETS and _opening_word(out):
        out = out[1:]
    if out and out[-1].rstrip(_DASHES) != out[-1]:
        out = [*out[:-1], out[-1].rstrip(_DASHES)] if out[-1].rstrip(_DASHES) else out[:-1]
    if len(out) >= 2 and out[-1] == "I":
        out = out[:-1]
    return m if out is words else " ".join(out)


def _opening_word(tokens: list[str]) -> bool:
    """Is the first of a run of capitalised words one that opens the sentence rather
    than the name after it: a common word before a given name, a title or "I"
    ("Longtime Donald Trump", "Recently I"), a verb that opens one ("Was Bartleby", "Ask
    Damien Chazelle") or an adverb ("Amazingly")? A common word that begins an
    organisation's name ("Amnesty International", "Limited Brands", "Drug Enforcement
    Administration") is not."""
    first, nxt = tokens[0], tokens[1]
    if not is_common_word(first) or not (_is_capword(nxt) or nxt == "I") or any(t.rstrip(".,") in ORG_WORDS for t in tokens):
        return False
    low = first.lower()
    if _plain_word(first) or is_role_noun(low):
        return False  # "Rival Maria Lopez", "Sociologist Ada Okafor": a role, kept as one
    adverb = len(low) >= 7 and low.endswith("ly") and not low.endswith(("ply", "ily"))  # not "Early", "Supply", "Family"
    return is_first_name(nxt) or nxt in TITLES or nxt == "I" or low in _OPENING_VERBS or adverb or (
        nxt.isupper() and len(nxt) >= 2  # "Fellow UC Global": a word before an acronym's name
    )


_OPENING_VERBS = {"was", "were", "is", "are", "ask", "asked", "asks", "replied", "replies", "say", "says", "said",
                  "tell", "told", "tells", "meet", "meanwhile", "enter", "cue", "take", "consider", "thank", "thanks"}


def gender_of(tokens: list[str]) -> str | None:
    """m / f from honorifics, gendered role words or a common given name; else None."""
    for t in tokens:
        low = t.lower()
        if low in MALE_WORDS:
            return "m"
        if low in FEMALE_WORDS:
            return "f"
    for t in tokens:
        if t in TITLES or t.lower() in ROLE_WORDS:
            continue
        low = t.lower().rstrip(".")
        if low in MALE_NAMES:
            return "m"
        if low in FEMALE_NAMES:
            return "f"
        break
    return None


_PARTY_LABEL_RE = re.compile(r"\s*\(([DRI](?:-[A-Z][\w.]*)?)\)$")
_PARTY_STATE_RE = re.compile(r"[DRI]-[A-Z][\w.]*$")  # the label alone, read out of its parentheses
_STATE_ABBR_RE = re.compile(r"^[A-Z][a-z]{1,3}\.?$(?<=\.)|^(?:Del|Md|Va|Pa|Fla|Ill|Mich|Calif|Conn|Mass|Tenn|Wis|Ky|La|Mo|Ga|Ala|Ariz|Colo|Ind|Kan|Minn|Miss|Mont|Neb|Nev|Okla|Ore|Wash|Wyo)\.?$")
_PARTY_WORDS = {"republican", "democrat", "democratic", "independent", "libertarian", "gop", "tory", "labour",
                "conservative", "liberal", "socialist", "progressive", "populist"}


def _person_with_role(mention: str, rest: str, before: str = "", after: str = "", min_tokens: int = 1) -> Mention | None:
    """``rest`` read as a person's name (of at least ``min_tokens`` words), with the words
    ``before`` and ``after`` it added to the role; None when ``rest`` names no person."""
    inner = _parse(rest)
    if inner.form != "name" or inner.kind != "person" or not inner.name or len(inner.name.split()) < min_tokens:
        return None
    inner.text = mention
    inner.role = " ".join(part for part in (before, inner.role, after) if part)
    return inner


def _plain_word(word: str) -> bool:
    """Is a capitalised word a role, party or people rather than a name ("Rival",
    "Republican", "Teachers", "Singer-guitarists", "Mexicans")?"""
    low = word.lower().rstrip(".,")
    parts = low.split("-")
    singular = [p[:-1] if p.endswith("s") and len(p) > 3 else p for p in parts]
    if is_first_name(low):
        return False  # "Hunter", "Taylor", "Christian": given names first
    return all(
        p in ROLE_NOUNS or q in ROLE_NOUNS or p in _PARTY_WORDS or q in _PARTY_WORDS or (p in ROLE_WORDS and p not in _SMALL_WORDS)
        for p, q in zip(parts, singular)
    ) or (low.endswith("ans") and len(low) > 6 and low[:-1] not in ROLE_NOUNS and word[:1].isupper() and not word.isupper())


_SMALL_WORDS = {"of", "the", "for", "and", "at", "in", "on", "to", "a", "an", "&"}
_AGE_RE = re.compile(r"\d+-year-old$")


def _name_start(words: list[str], lo: int) -> int | None:
    """Where a person's name begins at the end of "Title of Office Words Name": at the
    last given name the lexicon knows, else the last two capitalised words (or a
    particle before the surname); None when no name follows the office."""
    for i in range(len(words) - 1, lo - 1, -1):
        low = words[i].lower()
        if is_first_name(low) and i < len(words) - 1 and all(
            _is_capword(w) or w in _NAME_PARTICLES for w in words[i:]
        ):
            return i
    at = len(words) - 2
    while at - 1 >= lo and words[at - 1] in _NAME_PARTICLES:
        at -= 2
    if at <= lo or not all(_is_capword(w) or w in _NAME_PARTICLES for w in words[at:]):
        return None
    return at


_DESC_DETS = {"the", "a", "an", "one", "another", "his", "her", "their", "its", "our", "some", "several",
              "two", "three", "many", "most", "other"}


def _is_capword(w: str) -> bool:
    return w[:1].isupper() or (w[:3] in ("al-", "el-") and w[3:4].isupper())


def head_noun(words: list[str]) -> str:
    """The head noun of a description: the last word before "of"/"for"/"at"/..."""
    cut = len(words)
    for i, w in enumerate(words):
        if i and w in ("of", "for", "at", "with", "from", "to", "in", "on", "who", "that", "close"):
            cut = i
            break
    for w in reversed(words[:cut]):
        if w in ROLE_NOUNS or w in ORG_NOUNS or w in DOCUMENT_NOUNS:
            return w
    return words[cut - 1] if cut else ""


@dataclass
class Entity:
    name: str
    kind: str
    role: str | None = None
    positions: list[int] = field(default_factory=list)
    gender: str | None = None
    #: what the article calls them beside a mention ("port official Tom Baker", "Ana
    #: Roe, the ambassador,"): matched by descriptions, never shown as their role
    described: tuple[str, ...] = ()
    #: the words of ``name`` (read for nearly every entity: set once, not looked up lazily)
    tokens: list[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.tokens = self.name.split()


class Names:
    """The names an article gives, so short and pronoun mentions can be resolved."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self._by_token: dict[str, list[Entity]] = {}
        self._plain: dict[str, Entity | None] = {}
        self._lowered: dict[str, list[str]] = {}  # name -> its lowercased tokens

    def add(self, name: str, kind: str, role: str | None, pos: int, gender: str | None = None) -> Entity:
        ent = self.entities.get(name)
        if ent is None:
            ent = self.entities[name] = Entity(name, kind, role, [pos], gender or None)
            lowered = self._lowered[name] = name.lower().split()
            for t in set(lowered):
                self._by_token.setdefault(t, []).append(ent)
            return ent
        if role and not ent.role:
            ent.role = role
        if gender and not ent.gender:
            ent.gender = gender
        ent.positions.append(pos)
        return ent

    def finish(self) -> None:
        """Share gender evidence between a full name and its short forms."""
        for ent in self.entities.values():
            if ent.gender and ent.kind == "person" and len(ent.tokens) == 1:
                full = self.canonical(ent.name)
                if full is not None and full is not ent and not full.gender:
                    full.gender = ent.gender

    def canonical(self, name: str, pos: int | None = None) -> Entity | None:
        """The fullest known name containing ``name``'s tokens (a surname, a first name)."""
        if pos is None:
            if name not in self._plain:
                self._plain[name] = self._canonical(name, None)
            return self._plain[name]
        return self._canonical(name, pos)

    def _canonical(self, name: str, pos: int | None) -> Entity | None:
        toks = self._lowered.get(name) or name.lower().split()
        if not toks:
            return None
        lowered = self._lowered
        n = len(toks)
        last_tok = toks[-1]
        matching = []
        if n == 1:
            # every entity filed under the token holds it: only how it holds it tells
            own = self.entities.get(name)
            # "Google", named again and again before "Google Toolbar", is not its short form
            third = own.positions[2] if own is not None and len(own.positions) >= 3 else None
            for ent in self._by_token.get(last_tok, ()):
                if last_tok == lowered[ent.name][-1] or ent.kind == "person" and not (
                    third is not None and third < ent.positions[0]
                ):
                    matching.append(ent)
        else:
            first_tok = toks[0]
            for ent in self._by_token.get(last_tok, ()):
                et = lowered[ent.name]
                if len(et) >= n and (et[-n:] == toks or (first_tok == et[0] and last_tok == et[-1])):
                    matching.append(ent)
        if len(matching) <= 1:
            return matching[0] if matching else None
        best: Entity | None = None
        best_key: tuple = ()
        for ent in matching:
            et = self._lowered[ent.name]
            # positions are recorded in reading order, so they are sorted
            n_before = len(ent.positions) if pos is None else bisect.bisect_right(ent.positions, pos)
            last = ent.positions[n_before - 1] if n_before else None
            near = last is not None and pos is not None and pos - last < 400
            first = ent.positions[0]
            key = (n_before > 0, len(et) > len(toks), toks[-1] == et[-1], -first, len(ent.positions), near, last if last is not None else -first, len(et))
            if best is None or key > best_key:
                best, best_key = ent, key
        return best

    def by_role(self, words: list[str], pos: int, whole: bool = False, later: bool = False) -> Entity | None:
        """A person whose recorded role (or a description the article gave them)
        contains the description's words (or, unless ``whole``, its head noun), named
        before ``pos``; with ``later``, one named only after it, by all the words."""
        want = [_ABBR.get(w, w) for w in words if w not in ("the", "a", "an", "this", "that", "his", "her", "its", "their", "former")]
        want = [w for w in want if not w.endswith(("'s", "’s"))]
        if not want:
            return None
        head = next((w for w in reversed(want) if w in ROLE_NOUNS), None)
        best = None
        best_key = (-1, -1)
        for ent in self.entities.values():
            if not ent.role and not ent.described:
                continue
            for role in (ent.role, *ent.described) if ent.role else ent.described:
                r = [_ABBR.get(w, w) for w in role.lower().replace(",", " ").split()]
                full = all(w in r for w in want)
                # the head noun alone will do ("the Ohio congressman" for "Rep. Dan Roe")
                if later:
                    # the first named after ``pos``, by the same words: "China's ambassador to
                    # Britain warned ... China's ambassador to Britain Liu Xiaming said"
                    if full and ent.kind == "person" and ent.positions[0] > pos and (best is None or ent.positions[0] < best_key[1]):
                        best, best_key = ent, (True, ent.positions[0])
                elif full or (not whole and head is not None and head in r and ent.kind == "person"):
                    p = max([q for q in ent.positions if q <= pos], default=-1)
                    if p >= 0 and (full, p) > best_key:
                        best, best_key = ent, (full, p)
        return best


def scan_names(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, Mention]]:
    """Named mentions in ``text`` outside quoted spans (offsets, parsed mention).

    Mentions are cached by their text and shared: treat them as read-only."""
    out = []
    for s, e in spans:
        scan = _NAME_SCAN_RE if _PREFIXED_RE.search(text, s, e) else _CAPITAL_SCAN_RE
        for ms, me in _org_joined(text, scan.finditer(text, s, e)):
            raw = text[ms:me]
            hit = _SCANNED.get(raw, _MISSING)
            if hit is _MISSING:
                one = _scan_one(raw)
                # (with whether the name is one common word, which only the text says)
                hit = None if one is None else (*one, one[1].name is not None and " " not in one[1].name and is_common_word(one[1].name))
                if len(_SCANNED) > 50000:
                    _SCANNED.clear()
                    _THE_NAMED.clear()
                _SCANNED[raw] = hit
            if hit is not None:
                rel, men, common = hit
                if common and _opens_sentence(text, ms + rel):
                    continue  # "Amazingly, ...": a sentence's first word, not a name
                if men.kind == "person" and rel == 0 and ms > 1 and text[ms - 1] in " \t\u00a0" and text[ms - 2] in "ean" and _after_article(text, ms - 1, len(raw.split())) and not (
                    _MODIFIES_RE.match(text, me)
                ):
                    men = _THE_NAMED.get(raw) or _THE_NAMED.setdefault(raw, _not_a_person(men))
                out.append((ms + rel, me, men))
    return out


def _after_article(text: str, at: int, words: int) -> bool:
    """Whether "the" (or, before a name of ``words`` words, two or more: "a Go-Kart Track",
    not "a Christian") ends at ``at``, lower case and a word of its own."""
    for art in ("the", "an", "a") if words > 1 else ("the",):
        s = at - len(art)
        if s >= 0 and text[s:at] == art and (s == 0 or not text[s - 1].isalpha()):
            return True
    return False


def _opens_sentence(text: str, at: int) -> bool:
    i = at - 1
    while i >= 0 and text[i] in " \t\u00a0\"“”'‘’([":
        i -= 1
    return i < 0 or text[i] in ".!?:;\n"


# "the Go-Kart Track", "the Grand Hotel": a name after "the" is no person's, unless it
# only modifies the noun after it ("the Obama administration")
_MODIFIES_RE = re.compile(
    r"[ \t\u00a0]+(?!(?:on|in|at|of|for|and|or|to|with|by|from|as|is|was|has|had|have|are|were|said|says|which|that|"
    r"who|where|when|but|about|near|after|before|since|over|under|into|than|would|will|could|can)\b)[a-z]"
)
_THE_NAMED: dict[str, Mention] = {}  # by the run's text, cleared with _SCANNED


def _not_a_person(men: Mention) -> Mention:
    """``men`` read as the name of a thing or an organisation, not a person."""
    first = (men.name or "").split()[:1]
    if men.role or men.gender or first and is_first_name(first[0]):
        return men
    return Mention(men.text, men.name, None, "organisation", men.form)


_OF_RE = re.compile(r"[ \t\u00a0]+(?:of|for)(?:[ \t\u00a0]+the)?[ \t\u00a0]+$")
_AND_RE = re.compile(r"[ \t\u00a0]+and[ \t\u00a0]+$")


def _org_joined(text: str, matches) -> list[tuple[int, int]]:
    """Capitalised runs, with "Association" + "of" + "Dock Workers" joined into one
    organisation's name, and "Secretary" + "of" + "State Mike Pompeo" into one office
    and the name after it."""
    out: list[tuple[int, int]] = []
    joined = False  # whether out[-1] is already "Department" + "of" + "Health"
    for m in matches:
        ms, me = m.span()
        if out:
            ps, pe = out[-1]
            if ms - pe <= 9:
                last = text[ps:pe].rsplit(None, 1)[-1]
                if (last in ORG_WORDS or last in TITLES) and not last.isupper() and _OF_RE.match(text, pe, ms):
                    out[-1] = (ps, me)
                    joined = last in ORG_WORDS  # an office's name does not go on after "and"
                    continue
                # "Department of Health and Human Services", "Centers for Disease
                # Control and Prevention": the name goes on after "and"
                if joined and _AND_RE.match(text, pe, ms):
                    out[-1] = (ps, me)
                    joined = False
                    continue
        out.append((ms, me))
        joined = False
    return out


_MISSING = object()
_SCANNED: dict = {}  # a capitalised run -> None or (offset, mention, whether a common word)


def _scan_one(raw: str) -> tuple[int, Mention] | None:
    """(offset within ``raw``, mention) for one capitalised run, or None."""
    if raw in NON_NAME_CAPS:
        return None
    toks = raw.split()
    # drop sentence-initial function words ("The", "But")
    lead = 0
    while lead < len(toks) and toks[lead] not in TITLES and (
        toks[lead].rstrip(".,") in NON_NAME_CAPS or lead + 1 < len(toks) and _opening_word(toks[lead:])
    ):
        lead += 1
    if lead == 0 and len(toks) > 1 and toks[0].endswith(("ing", "ed")) and toks[0] not in TITLES:
        lead = 1  # "Injecting Clinton into ...": a participle opening the sentence
    toks = toks[lead:]
    if not toks:
        return None
    rel = len(" ".join(raw.split()[:lead])) + (1 if lead else 0)
    for cut, t in enumerate(toks[:-1]):
        if t.endswith(("'s", "’s", "'", "’")):
            toks = toks[cut + 1 :]
            rel = raw.rfind(toks[0])
            break
    toks = [_POSS_RE.sub("", t) if t.endswith(("'s", "’s")) else t for t in toks]
    toks = [t.rstrip(".") if t.endswith(".") and len(t) > 3 and t.count(".") == 1 and t not in TITLES and t not in _SUFFIXES else t for t in toks]
    if all(t in TITLES for t in toks):
        return None
    if any(c.isdigit() for t in toks for c in t) or (len(toks) > 1 and all(t.isupper() and len(t) > 2 for t in toks)):
        return None  # "EB-5", "CONGRESS HAS INVESTIGATED HIM": not a name
    cut = max((i for i, t in enumerate(toks[:-1]) if t in ORG_WORDS and not t.isupper()), default=-1)
    if cut >= 0 and len(toks) - cut - 1 <= 3 and not any(t in ("of", "for", "and") for t in toks):
        # "Washington Post Trump interview": an organisation's name, then a person's
        tail = toks[cut + 1 :]
        if all(t not in ORG_WORDS for t in tail):
            found = raw.find(tail[0], rel)
            rel = found if found >= 0 else rel
            toks = tail
    men = _parse(" ".join(toks))
    if not men.name:
        return None
    return rel, men
