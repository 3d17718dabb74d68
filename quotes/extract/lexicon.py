"""Word lists: speech verbs, titles, role nouns, organisation words, pronouns."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

# Speech and attribution verbs, base form. Inflections are generated below; irregular
# ones are listed in _IRREGULAR.
_SPEECH_BASE = """
say tell add ask write tweet declare insist state explain note argue claim warn continue
recall reply respond answer suggest acknowledge admit announce complain concede conclude
confirm contend describe emphasize emphasise stress observe predict promise remark report
quip joke shout yell urge call vow pledge post wonder testify charge counter boast brag
lament muse opine proclaim indicate agree echo caution exclaim whisper mutter assert
affirm allege maintain reiterate repeat retort scoff sneer snap fume gush rave rant
grumble concur comment elaborate interject interrupt tease chide scold mock deride
dismiss blast slam criticize criticise attack accuse praise thank hail welcome label dub
brand term characterize characterise liken compare decry denounce condemn lash
question challenge demand plead beg implore pray preach recount relate reveal disclose
divulge admit acknowledge concede confess deny reject rebut refute dispute object protest
caution advise counsel recommend propose offer volunteer chime pipe cry holler scream
sing chant read begin start finish end open close conclude summarize summarise sum put
characterize pitch promise assure reassure guarantee threaten forecast project estimate
figure reckon think believe feel hope fear worry expect know understand recall remember
envision envisage imagine point respond explain inform notify tell announce release
issue publish circulate email text message text-message telegraph broadcast air
joke kid laugh smile sigh shrug nod express
react press imply insinuate declare rail thunder bellow roar gripe huff fret muse marvel
exult cheer crow gloat hint stipulate specify clarify interrupt
"""

_IRREGULAR = {
    "say": ["say", "says", "said", "saying"],
    "tell": ["tell", "tells", "told", "telling"],
    "write": ["write", "writes", "wrote", "writing", "written"],
    "think": ["think", "thinks", "thought", "thinking"],
    "feel": ["feel", "feels", "felt", "feeling"],
    "know": ["know", "knows", "knew", "knowing"],
    "read": ["read", "reads", "reading"],
    "begin": ["begin", "begins", "began", "beginning"],
    "understand": ["understand", "understands", "understood"],
    "put": ["put", "puts", "putting"],
    "sing": ["sing", "sings", "sang", "singing"],
    "cry": ["cry", "cries", "cried", "crying"],
    "reply": ["reply", "replies", "replied", "replying"],
    "testify": ["testify", "testifies", "testified", "testifying"],
    "deny": ["deny", "denies", "denied", "denying"],
    "summarize": ["summarize", "summarizes", "summarized", "summarizing"],
    "quip": ["quip", "quips", "quipped", "quipping"],
    "snap": ["snap", "snaps", "snapped", "snapping"],
    "brag": ["brag", "brags", "bragged", "bragging"],
    "chat": ["chat", "chats", "chatted"],
    "plead": ["plead", "pleads", "pleaded", "pled", "pleading"],
    "forecast": ["forecast", "forecasts", "forecasting"],
    "broadcast": ["broadcast", "broadcasts", "broadcasting"],
    "kid": ["kid", "kids", "kidded"],
    "nod": ["nod", "nods", "nodded"],
    "worry": ["worry", "worries", "worried"],
    "text-message": ["text-messaged"],
}

# Verbs that are weak cues: they take a quote as object only with a clear link.
WEAK_VERBS = set(
    """think thinks thought believe believes believed feel feels felt hope hopes hoped fear
    fears feared worry worries worried expect expects expected know knows knew understand
    understands understood remember remembers remembered imagine imagines imagined
    figure figures figured reckon reckons reckoned begin begins began start starts started
    finish finishes finished end ends ended open opens opened close closes closed
    read reads laugh laughs laughed smile smiles smiled sigh sighs sighed shrug shrugs
    shrugged nod nods nodded release releases released issue issues issued publish publishes published circulate
    circulated offer offered sing sang kid""".split()
)


def _inflect(base: str) -> list[str]:
    if base in _IRREGULAR:
        return _IRREGULAR[base]
    forms = [base]
    if base.endswith("e"):
        forms += [base + "s", base + "d", base[:-1] + "ing"]
    elif base.endswith("y") and base[-2:-1] not in "aeiou":
        forms += [base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms += [base + "es", base + "ed", base + "ing"]
    else:
        forms += [base + "s", base + "ed", base + "ing"]
        if re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprt]", base):
            forms += [base + base[-1] + "ed", base + base[-1] + "ing"]
    return forms


SPEECH_VERBS: frozenset[str] = frozenset(f for b in _SPEECH_BASE.split() for f in _inflect(b))
STRONG_VERBS: frozenset[str] = frozenset(v for v in SPEECH_VERBS if v not in WEAK_VERBS)

# Nouns that, after "the"/"a", make a description of a speaker.
ROLE_NOUNS = set(
    """spokesman spokeswoman spokesperson spokespeople official officials aide aides
    adviser advisers advisor advisors source sources president vice-president senator
    congressman congresswoman representative governor mayor minister secretary chairman
    chairwoman chair director chief executive ceo founder leader leaders nominee nominees
    candidate candidates rival opponent challenger incumbent frontrunner front-runner
    strategist pollster analyst analysts expert experts economist professor researcher
    scientist lawyer attorney attorneys judge justice prosecutor prosecutors sheriff
    officer officers police detective general commander ambassador diplomat envoy
    lawmaker lawmakers legislator member members manager chairman host anchor moderator
    reporter reporters journalist columnist editor author writer critic critics activist
    activists organizer organizers supporter supporters voter voters resident residents
    woman man mother father wife husband son daughter brother sister friend student
    worker workers employee employees owner witness witnesses victim protester protesters
    demonstrators veteran veterans businessman businesswoman billionaire mogul star actor
    actress singer comedian pastor priest bishop pope rabbi imam cleric doctor nurse
    campaign company firm group ministry department agency committee council
    administration government party organization organisation union association
    foundation institute university newspaper network website report statement
    magazine paper network survey poll study memo letter document filing lawsuit
    complaint ruling release announcement post tweet video ad advertisement
    team staff staffer staffers operative operatives surrogate surrogates delegate
    delegates donor donors speaker king queen prince princess emperor dictator
    strongman rebel rebels insurgents militants soldier soldiers troops officials
    person people panel board court jury""".split()
)

ROLE_NOUNS |= {"citizen", "citizens", "guitarist", "guitarists", "administrator", "engineer", "counselor", "counsellor", "commissioner", "coach", "investor",
               "physician", "surgeon", "teacher", "principal", "producer", "developer", "designer",
               "co-founder", "cofounder", "inventor", "entrepreneur", "superintendent", "treasurer"}
ROLE_NOUNS |= {"commission", "office", "bureau", "service", "organization", "board", "court",
               "fund", "bank", "church", "league", "coalition", "alliance", "movement", "center",
               "colleague", "colleagues", "adviser", "narrator", "host", "co-host", "pundit",
               "commentator", "correspondent", "chief", "head", "boss", "president", "partner",
               "spokesperson", "representatives", "aides", "advisers", "allies", "ally",
               "campaign", "associate", "associates", "neighbor", "neighbors", "friends",
               "relatives", "family", "executive", "executives", "consultant", "consultants",
               "economists", "historian", "historians", "scholar", "scholars", "observers",
               "insiders", "insider", "republicans", "democrats", "conservatives", "liberals",
               "progressives", "republican", "democrat", "crowd", "audience", "protesters", "lady"}

# Descriptions that are documents or bodies, not people.
ORG_NOUNS = set(
    """campaign company firm group ministry department agency committee council
    administration government party organization organisation union association
    foundation institute university newspaper network website magazine paper
    team staff board court jury panel office bureau commission service corporation
    corp inc llc co bank fund church center centre league coalition alliance movement
    network times post journal news tribune herald gazette press reuters army military navy police""".split()
)
DOCUMENT_NOUNS = set(
    """report statement survey poll study memo letter document filing lawsuit complaint
    ruling release announcement post tweet video ad advertisement transcript website
    email e-mail message editorial column article book op-ed""".split()
)

# Title words that sit before a name (they, and the capitalised words before them,
# make the speaker's role).
TITLES = set(
    """President President-elect Vice Prime Minister Secretary Sen. Senator Rep.
    Representative Gov. Governor Mayor Mr. Mrs. Ms. Miss Dr. Prof. Professor Gen.
    General Lt. Col. Colonel Maj. Major Capt. Captain Sgt. Sergeant Adm. Admiral Cmdr.
    Commander Judge Justice Chief Speaker Chairman Chairwoman Chair Director Ambassador
    Attorney Pope King Queen Prince Princess Sheikh Rev. Reverend Father Sister Bishop
    Archbishop Cardinal Rabbi Imam Minister Chancellor Premier Commissioner Councilman
    Councilwoman Councilor Sheriff Officer Detective Deputy Assistant Leader Whip
    Treasurer Spokesman Spokeswoman Spokesperson Press Aide Adviser Advisor Nominee
    Candidate Founder CEO Chief Executive Superintendent Inspector Ald. Alderman
    Congressman Congresswoman Assemblyman Assemblywoman Delegate Lord Lady Sir Dame
    Emir Crown Gov Sen Rep Mr Mrs Ms Dr Sens. Reps. Sens Reps Coach Councillor Councilmember
    Councilwoman Councilman Alderwoman Trustee Dean Provost Rector Vicar Pastor Elder Chef
    Principal Warden Marshal Constable Inspector Superintendent Magistrate Solicitor
    Barrister Counsel Chairperson State Vice-President Vice-Chair Secretary-General""".split()
)
# Honorifics that are not roles worth keeping.
HONORIFICS = {"Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Mr", "Mrs", "Ms", "Dr", "Sir", "Dame"}

# Lowercase role words that may sit between capitalised words in a pre-name role:
# "Republican presidential nominee Donald Trump", "campaign manager Kellyanne Conway".
ROLE_WORDS = set(
    """presidential vice nominee candidate hopeful contender front-runner frontrunner
    spokesman spokeswoman spokesperson press secretary manager chairman chairwoman
    campaign chief of staff senior adviser advisor aide strategist director
    communications policy national security member rival running mate senator
    leader majority minority whip former then-candidate then current top
    economic foreign deputy assistant executive general counsel attorney pollster
    host anchor correspondent reporter columnist editor commentator analyst
    businessman billionaire mogul governor mayor speaker house state secretary
    representative congressman congresswoman lawmaker minister officer
    co-founder founder president ceo retired democratic republican independent
    party real estate developer star actor actress singer rapper comedian the""".split()
)

ORG_WORDS = set(
    """Ministry Department Council Committee Commission Agency Office Bureau Party
    Campaign Administration Government Company Corp. Corp Inc. Inc LLC Co. Group
    Association Foundation Institute University College School Times Post Journal
    News Tribune Herald Gazette Press Network Reuters Bank Fund Church Center Centre
    League Coalition Alliance Movement Union Court Congress Senate House Parliament
    Kremlin Pentagon Service Services Board Authority Organization Organisation Agency
    Magazine Review Monitor Observer Telegraph Guardian Independent Media Channel
    Television Radio Broadcasting Airlines Motors Bureau Police Army Navy Force
    Forces Command Embassy Consulate Secretariat Cabinet FBI CIA NSA NATO CNN BBC AP
    AFP NBC CBS ABC MSNBC NPR PBS RNC DNC GOP EU UN U.N. IMF WHO ISIS County City District
    Township Province Headquarters Federation Society Conference Caucus Academy
    Robotics Technologies Technology Labs Laboratories Systems Networks Studios Games
    Centers Centres Institutes Academies Sciences
    Entertainment Productions Pictures Records Pharmaceuticals Therapeutics Capital
    Ventures Holdings Partners Industries Enterprises Solutions Software Electronics
    Communications Energy Airways Railways Institution Museum Library Hospital Clinic
    Council Trust Commission Forum Summit Festival Ltd Ltd. PLC plc GmbH AG SA""".split()
)

#: A member of a party, as a description names one ("a Florida Democrat", "an Ohio Republican")
PARTY_MEMBERS = {"republican", "democrat", "independent", "libertarian", "tory", "conservative", "liberal"}

PRONOUNS_PERSON = {"he", "she", "him", "her", "i"}
PRONOUNS_ALL = {"he", "she", "they", "it", "i", "we", "you", "who"}

# Words that cannot be (part of) a speaker name even when capitalised (sentence starts).
NON_NAME_CAPS = set(
    """The A An And But Or So Yet For Nor If When While As Although Though Because
    Since After Before Until Unless Then Now Later Earlier Meanwhile However Still
    Also In On At By With From To Of Into Over Under About Against Between Through
    During Without Within Across Among Around Behind Beyond Near This That These Those
    It Its It's He She They We I You His Her Their Our My Your There Here What Which
    Who Whom Whose Why How Where Some Many Most Much More Few Several All Both Each
    Every Any No Not Yes Such Other Another One Two Three Four Five Six Seven Eight Nine
    Ten Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March
    April May June July August September October November December Today Tonight
    Yesterday Tomorrow According Asked Speaking Told Said Says Writing Last Next First
    Second Third Instead Indeed Even Just Only Well Oh Please Thank Thanks Like Unlike
    Despite Once Again Never Always Often Sometimes Perhaps Maybe Ultimately Finally
    Overall Still Rather Whether Either Neither Mr Mrs Ms Outside Inside Whatever Whoever
    Wherever Whenever However Within Upon Amid Amidst Following Including Regarding
    Except Besides Beside Along Alongside Toward Towards Throughout Via Per Written Told
    Described Called Known Asked Given Based Dear Hey Hi Yes No OK Okay Ah Alas Moreover
    Furthermore Nevertheless Nonetheless Thus Hence Therefore Otherwise Let Let's Let’s Soon""".split()
)

# Common given names by the gender they usually signal, used only to keep "he" from
# resolving to a woman and "she" to a man when the article itself gives no evidence.
MALE_NAMES = set(
    """aaron adam adrian al alan albert alex alexander andrew andy anthony antonio arnold
    barack ben benjamin bernie bill billy bob bobby brad bradley brandon brian bruce bryan
    carl carlos charles charlie chris christopher chuck clarence cory craig dan daniel
    danny darrell dave david dennis dick don donald doug douglas dwight ed eddie edward eric
    evan frank fred gary gene george gerald glenn greg gregory harold harry henry howard
    ian jack jacob jake james jason jay jeb jeff jeffrey jeremy jerry jesse jim jimmy joe
    joel john johnny jon jonathan jorge jose joseph josh joshua juan justin keith ken
    kenneth kevin kyle larry lawrence lee leon lindsey luis marco mark martin matt matthew
    michael mike mitch mitt nathan neil newt nicholas nick nicolas patrick paul pete peter
    phil philip preet rand randy ray raymond reince richard rick robert roberto roger ron
    ronald rudy russell ryan sam samuel scott sean sergei sheldon stephen steve steven
    ted thomas tim timothy todd tom tony vladimir walter wayne william xi"""
    .split()
)
FEMALE_NAMES = set(
    """abigail alice alicia amanda amy andrea angela ann anna anne barbara betsy betty
    beverly brenda carly carol caroline catherine cathy chelsea cheryl christine claire
    condoleezza cynthia debbie deborah denise diana diane donna dorothy elaine elizabeth
    ellen emily emma erin evelyn frances gabrielle gloria hannah heather heidi helen
    hillary huma ivanka jackie jane janet janice jean jennifer jessica jill joan joanne
    joni joyce judith judy julia julie karen kate katherine kathleen kathy kayleigh kelly
    kellyanne kimberly kirsten laura lauren linda lisa loretta lori louise lynn madeleine
    maggie margaret maria marie marilyn martha mary megan megyn melania melissa michelle
    mika nancy natalie nicole nikki olivia pam pamela patricia patty paula rachel rebecca
    rosie ruth sandra sara sarah sharon shirley stephanie susan suzanne tammy teresa
    theresa tina tulsi valerie victoria virginia wendy""".split()
)
MALE_WORDS = {"mr.", "mr", "he", "his", "him", "husband", "father", "son", "brother", "businessman",
              "congressman", "spokesman", "chairman", "king", "prince", "sir", "lord", "man"}
FEMALE_WORDS = {"mrs.", "mrs", "ms.", "ms", "miss", "she", "her", "hers", "wife", "mother", "daughter",
                "sister", "businesswoman", "congresswoman", "spokeswoman", "chairwoman", "queen",
                "princess", "lady", "dame", "woman", "first lady"}

# Places that read like names of people ("New York said" is rare; "New York" is common).
PLACES = set(
    """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida
    Georgia Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland
    Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio
    Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin
    Wyoming America Canada Mexico Britain England France Germany Italy Spain Russia China
    Japan India Pakistan Iran Iraq Syria Israel Egypt Libya Afghanistan Turkey Ukraine
    Europe Asia Africa Africa Cuba Brazil Venezuela Korea Australia Ireland Scotland
    Moscow Beijing London Paris Berlin Tokyo Baghdad Damascus Tehran Jerusalem Brussels
    Chicago Boston Philadelphia Atlanta Houston Dallas Miami Denver Seattle Detroit
    Cleveland Manhattan Brooklyn Queens Baltimore Phoenix""".split()
) | {"New York", "New Jersey", "New Hampshire", "New Mexico", "North Carolina", "South Carolina",
     "North Dakota", "South Dakota", "West Virginia", "Rhode Island", "United States", "U.S.",
     "United Kingdom", "U.K.", "Los Angeles", "San Francisco", "Las Vegas", "Washington, D.C.",
     "D.C.", "Wall Street", "Capitol Hill", "White House", "Saudi Arabia", "North Korea",
     "South Korea", "Middle East", "Silicon Valley", "New Orleans", "St. Louis", "Des Moines"}


# Words for a people or a nation's things: "a Chinese spokesman" names no organisation.
DEMONYMS = set(
    """Afghan African American Arab Argentine Australian Austrian Belgian Brazilian British
    Canadian Chilean Chinese Colombian Cuban Czech Danish Dutch Egyptian Emirati English
    Ethiopian European Filipino Finnish French German Greek Hungarian Indian Indonesian
    Iranian Iraqi Irish Israeli Italian Japanese Jordanian Kenyan Korean Kurdish Lebanese
    Libyan Malaysian Mexican Moroccan Nigerian Norwegian Pakistani Palestinian Peruvian
    Polish Portuguese Qatari Romanian Russian Saudi Scottish Serbian Somali Spanish
    Swedish Swiss Syrian Taiwanese Thai Turkish Ukrainian Venezuelan Vietnamese Welsh
    Yemeni""".split()
)

_AGENT_ENDINGS = ("or", "er", "ist", "ian", "ant", "ent")
_NOT_AGENTS = {"under", "after", "over", "never", "other", "rather", "either", "neither", "whether", "later", "former",
               "center", "major", "minor", "prior", "senior", "junior", "recent", "urgent", "current", "silent",
               "distant", "giant", "brilliant", "vibrant", "important", "elegant", "significant", "different"}


def is_first_name(word: str) -> bool:
    """Whether ``word`` (any case) is a common given name, of either gender."""
    low = word.lower()
    return low in MALE_NAMES or low in FEMALE_NAMES


def is_role_noun(word: str) -> bool:
    """Is a lowercase word a role a person is named by: a known role noun, or an agent
    noun by its ending ("negotiator", "campaigner", "lobbyist", "historian")?"""
    return word in ROLE_NOUNS or (
        len(word) > 5 and word.isalpha() and word.islower() and word.endswith(_AGENT_ENDINGS) and word not in _NOT_AGENTS
    )

#: Capitalised function words a name never holds: a headline in title case holds them
HEADLINE_WORDS = {"Has", "Have", "Had", "Is", "Are", "Was", "Were", "Will", "Would", "Can", "Could", "Should",
                   "Him", "Them", "Their", "His", "Her", "Its", "Our", "Your", "My", "On", "In", "To", "With",
                   "From", "About", "Over", "Into", "After", "Before", "Says", "Said", "Why", "How", "What",
                   "Not", "No", "Just", "Most", "More", "Who", "That", "This", "These", "Those", "Thoughts"}


COMMON_WORDS_FILE = "common_words.txt"


def _read_common_words() -> frozenset[str]:
    path = Path(__file__).with_name(COMMON_WORDS_FILE)
    if not path.exists():
        return frozenset()
    return frozenset(w for w in path.read_text().split("\n") if w and not w.startswith("#"))


#: Words written in lower case and almost never capitalised inside a sentence (fitted on
#: PolNeAR train by ``python -m quotes.fit_words``)
COMMON_WORDS = _read_common_words()
_ADVERB_ENDINGS = ("ingly", "edly", "ously", "ively", "fully", "ently", "antly", "ably", "ically")


@lru_cache(maxsize=65536)
def is_common_word(token: str) -> bool:
    """Is a capitalised token a common word ("Amazingly", "Longtime", "Others") rather
    than a name or part of one? Given names, titles and honorifics never are."""
    t = token.rstrip(".,;:")
    if len(t) < 2 or not t[0].isupper() or not t[1:].replace("’", "").replace("'", "").islower():
        return False
    low = t.lower()
    if low in MALE_NAMES or low in FEMALE_NAMES or t in TITLES or t in HONORIFICS:
        return False
    return low in COMMON_WORDS or (len(low) > 7 and low.endswith(_ADVERB_ENDINGS))


_LOWER_WORD_RE = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?:['’][a-z]+)?")


def reads_as_english(text: str, sample: int = 2000) -> bool:
    """Whether ``text`` is written in English, from the share of its lower-case words (in
    the first ``sample`` characters) that are common English words: above 0.5 in every
    English page and article seen, 0.22 or less in German, French, Spanish, Portuguese
    and Latvian ones. A text of under 40 such words is taken for English."""
    if not COMMON_WORDS:
        return True
    words = _LOWER_WORD_RE.findall(text, 0, sample // 4)
    if len(words) >= 40 and sum(map(COMMON_WORDS.__contains__, words)) >= 0.6 * len(words):
        return True  # the first words tell, for most English text
    words = _LOWER_WORD_RE.findall(text, 0, sample)
    return len(words) < 40 or sum(map(COMMON_WORDS.__contains__, words)) >= 0.4 * len(words)
