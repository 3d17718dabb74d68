"""Resolution: a mention to the person or organisation it stands for."""
from __future__ import annotations

import re

import pytest

from quotes.extract import extract_text
from quotes.extract.resolution import expand, last_person, resolve

TWO = "Maria Lopez opened the bridge on Monday. Tom Baker cut the ribbon. Later she spoke and he waved."


def resolved(doc, mention: str, nth: int = 0):
    """``resolve`` for the ``nth`` occurrence (as a whole word) of ``mention``."""
    pos = [m.start() for m in re.finditer(rf"\b{re.escape(mention)}\b", doc.text)][nth]
    return resolve(doc, mention, pos, None)


@pytest.mark.parametrize(
    "text, mention, nth, expected",
    [
        # a pronoun: the last named person of that gender
        (TWO, "she", 0, ("Maria Lopez", None, "person", "pronoun")),
        (TWO, "he", 0, ("Tom Baker", None, "person", "pronoun")),
        ("Maria Lopez spoke on Monday. Nobody answered. She said fees rise.", "She", 0, ("Maria Lopez", None, "person", "pronoun")),
        # a surname: the full name the article gave before
        ("Maria Lopez opened the bridge. Lopez said it was late.", "Lopez", 1, ("Maria Lopez", None, "person", "name")),
        # of two namesakes, the one just named as a subject
        (
            "Paul Brandt retired in May. Chief Lena Brandt says the crew is ready. Brandt added that fees rise.",
            "Brandt", 2, ("Lena Brandt", "Chief", "person", "name"),
        ),
        # "the company", "the union", "it": the organisation named
        ("The Harbour Freight Company cut 200 jobs. The company said demand fell.", "The company", 0,
         ("Harbour Freight Company", None, "organisation", "description")),
        ("Dockside Shipping Inc. cut 200 jobs on Monday. The company said demand fell.", "The company", 0,
         ("Dockside Shipping Inc", None, "organisation", "description")),
        ("The Dock Workers Union voted on Monday. The union said pay must rise.", "The union", 0,
         ("Dock Workers Union", None, "organisation", "description")),
        ("Dockside Shipping Inc. cut 200 jobs on Monday. It said demand fell.", "It", 0,
         ("Dockside Shipping Inc", None, "organisation", "pronoun")),
        # a description: the person named with that role
        ("Senator Maria Lopez spoke. The senator said fees rise.", "The senator", 0, ("Maria Lopez", "Senator", "person", "description")),
        # an acronym the article spells out
        ("The International Harbour Authority raised fees. The IHA said costs rose.", "IHA", 0,
         ("International Harbour Authority", None, "organisation", "name")),
        # plural role nouns are groups, not people
        ("Protesters gathered at the pier.", "Protesters", 0, (None, None, "group", "description")),
        ("The bridge opened. Then she spoke.", "she", 0, (None, None, "person", "pronoun")),
        # an epithet for the person the passage is about
        ("Tom Baker played on Monday. Afterwards the singer thanked the crowd.", "the singer", 0,
         ("Tom Baker", None, "person", "description")),
        # a description that names an organisation by itself
        ("The bridge opened. The Freedonian harbour ministry said fees rise.", "The Freedonian harbour ministry", 0,
         ("Freedonian harbour ministry", None, "organisation", "description")),
        ("The bridge opened. The Harbour Daily said fees rise.", "The Harbour Daily", 0,
         ("Harbour Daily", None, "organisation", "description")),
        # a spokesperson speaks for the organisation, named or described
        ("Dockside Shipping Inc. cut jobs. A spokesman for the company said demand fell.", "A spokesman for the company", 0,
         ("Dockside Shipping Inc", "spokesman", "organisation", "description")),
        ("A spokeswoman for the Harbour Authority said demand fell.", "A spokeswoman for the Harbour Authority", 0,
         ("Harbour Authority", "spokeswoman", "organisation", "description")),
        # ... but a person's description stays one
        ("The bridge opened. The Freedonian nominee said fees rise.", "The Freedonian nominee", 0, (None, None, "person", "description")),
        # "they" for an organisation just named as a subject, not across a group named since
        ("Harbour Freight Productions denied it on Monday. They said the port was wrong.", "They", 0,
         ("Harbour Freight Productions", None, "organisation", "pronoun")),
        ("Harbour Freight Productions denied it. Officials at the port disagreed. They said so.", "They", 0,
         (None, None, "group", "pronoun")),
        # "they" for two people named together as the subject; not for a person and others
        ("Sens. Ann Roe (D-Ore.) and Tom Baker (R-Ohio) wrote on Monday. They said so.", "They", 0,
         ("Ann Roe and Tom Baker", None, "group", "pronoun")),
        ("Ann Roe and her staff met on Monday. They said so.", "They", 0, (None, None, "group", "pronoun")),
    ],
)
def test_resolve(document, text, mention, nth, expected):
    assert resolved(document(text), mention, nth) == expected


def test_i_outside_quotes_is_the_byline(document):
    doc = document("By Ann Reyes\n\nThe bridge opened. I watched.")
    assert resolved(doc, "I") == ("Ann Reyes", None, "person", "pronoun")


def test_last_person_by_gender(document):
    doc = document(TWO)
    pos = len(TWO)
    assert last_person(doc, pos, "f").name == "Maria Lopez"
    assert last_person(doc, pos, "m").name == "Tom Baker"
    assert last_person(doc, 0, "m") is None  # nobody named yet


def test_a_speaker_resolved_is_the_likelier_antecedent(document):
    text = "The pier opened on Monday with Maria Lopez and Anna Ruiz there. Nobody else came. Later she spoke."
    doc = document(text)
    pos = text.index("she")
    assert last_person(doc, pos, "f").name == "Anna Ruiz"  # the nearer of two named
    doc.speakers.append((text.index("Nobody"), "Maria Lopez"))  # as the attribution stage records
    assert last_person(doc, pos, "f").name == "Maria Lopez"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("IHA", "International Harbour Authority"),
        ("the IHA", "International Harbour Authority"),
        ("XYZ", "XYZ"),  # never spelt out
        ("Harbour Board", "Harbour Board"),  # not an acronym
    ],
)
def test_expand(document, name, expected):
    doc = document("The International Harbour Authority raised fees on Monday.")
    assert expand(doc, name) == expected


@pytest.mark.parametrize(
    "text, expected_mention, speaker",
    [
        # "he": the latest mention of the person he was resolved to, a surname included
        ('Maria Lopez and Tom Baker met on Monday. Baker left early. "It went well," he said.', "Baker", "Tom Baker"),
        # a possessive mention gives the name without its "'s"
        ('Maria Lopez\'s plan passed on Monday. "We waited years," she said.', "Maria Lopez", "Maria Lopez"),
        # "the company": the organisation named before
        ('Dockside Shipping Inc. cut 200 jobs on Monday. "Demand fell," the company said.', "Dockside Shipping Inc", "Dockside Shipping Inc"),
    ],
)
def test_antecedent_offsets_point_at_the_name(text, expected_mention, speaker):
    from quotes.extract import extract_text

    (q,) = extract_text(text)
    assert q.speaker == speaker
    assert q.antecedent_mention == expected_mention
    assert text[q.antecedent_start : q.antecedent_end] == expected_mention
    assert q.antecedent_end <= q.speaker_start


@pytest.mark.parametrize(
    "text, speaker",
    [
        # a relative pronoun speaks for the name before it, an appositive or a date between
        ('Reporters called the Harbour Police Department, which said "412 boats" were checked.', "Harbour Police Department"),
        ('Reporters called the Harbour Police Department which said "412 boats" were checked.', "Harbour Police Department"),
        ('The board hired Tom Baker, the harbour master, who called it "a disaster."', "Tom Baker"),
        ('The board hired Tom Baker, who in 2019 called it "a disaster."', "Tom Baker"),
        ('The board met with Tom Baker, now the harbour master, who called it "a disaster."', "Tom Baker"),
    ],
)
def test_who_and_which_speak_for_their_antecedent(text, speaker):
    from quotes.extract import extract_text

    (q,) = extract_text(text)
    assert q.speaker_mention in ("who", "which")
    assert q.speaker == speaker


@pytest.mark.parametrize(
    "text, speaker",
    [
        ('Two ferries sank, the Freedonian army said in a statement. "The cause is unknown," the statement said.', "Freedonian army"),
        ('Maria Lopez issued a statement on Monday. "We regret it," the statement said.', "Maria Lopez"),
        ('"We regret it," the statement said.', None),  # nobody said to have issued one
    ],
)
def test_the_statement_speaks_for_whoever_issued_it(text, speaker):
    from quotes.extract import extract_text

    q = extract_text(text)[-1]
    assert q.speaker_mention == "the statement"
    assert q.speaker == speaker


def test_a_named_speaker_has_no_antecedent():
    from quotes.extract import extract_text

    (q,) = extract_text('"Demand fell," said Maria Lopez, who runs the port.')
    assert q.speaker == "Maria Lopez"
    assert (q.antecedent_mention, q.antecedent_start, q.antecedent_end) == (None, None, None)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("CPS", "Freedonian Centre for Port Safety"),  # defined in parentheses, whatever its initials
        ("the Freedonian CPS", "Freedonian Centre for Port Safety"),  # its modifier is part of the name
        ("the Ruritanian CPS", "the Ruritanian CPS"),  # another one
    ],
)
def test_expand_an_acronym_the_article_defines(document, name, expected):
    doc = document("The Freedonian Centre for Port Safety (CPS) met on Monday.")
    assert expand(doc, name) == expected


@pytest.mark.parametrize(
    "text, name, expected",
    [
        # the initials of a run of its words: "CDC" for the Centers for Disease Control
        ("The Freedonian Centers for Harbour Safety and Inspection said on Friday that it was watching.",
         "the HSI", "Freedonian Centers for Harbour Safety and Inspection"),
        ("The Freedonian Centers for Harbour Safety and Inspection said on Friday that it was watching.",
         "CHS", "Freedonian Centers for Harbour Safety and Inspection"),
        # two organisations with those initials: left as written
        ("The Freedonian Centers for Harbour Safety met. The Ruritanian Council for Harbour Safety did not.",
         "CHS", "CHS"),
        # two letters are too few to tell an organisation by a part of its name
        ("The Freedonian Centers for Harbour Safety said on Friday that it was watching.", "HS", "HS"),
    ],
)
def test_expand_an_acronym_of_a_run_of_the_name(document, text, name, expected):
    assert expand(document(text), name) == expected


@pytest.mark.parametrize(
    "text, name",
    [
        ("The Department of Harbours and Fisheries said the pier is safe.", "Department of Harbours and Fisheries"),
        ("The Freedonian Institutes of Marine Health said the pier is safe.", "Freedonian Institutes of Marine Health"),
    ],
)
def test_an_organisations_name_runs_over_of_and_and(document, text, name):
    doc = document(text)
    assert doc.names.entities[name].kind == "organisation"


@pytest.mark.parametrize(
    "text, speaker",
    [
        # "he" after a man the article describes and never names is that man: no name
        ('Dr. Chris Kuo wrote the report.\n\nIn the end the man recovered. As he put it, "the steroids worked."', None),
        # ... unless the description is named ("The woman, Ana Lima,")
        ('Dr. Chris Kuo wrote the report.\n\nThe woman, Ana Lima, was calm. "It was hard," she said.', "Ana Lima"),
        # ... and a woman described is not the "he" who speaks
        ('Dr. Chris Kuo wrote the report.\n\nThe woman left early. "It was hard," he said.', "Chris Kuo"),
    ],
)
def test_a_pronoun_after_an_unnamed_person(text, speaker):
    [q] = extract_text(text)
    assert q.speaker == speaker and q.method == "pronoun"


@pytest.mark.parametrize(
    "text, speaker",
    [
        # a reporter between commas is the sentence's subject: "he" after it is his
        ("Tom Hale studied the gulls for years, and his work was hard.\n\nThe flock, says Ben Ode, a "
         "biologist at the port, will come back. He calls the news “exciting.”", "Ben Ode"),
        # ... but a name after a quote and its "said" is no parenthetical reporter
        ("Tom Hale studied the gulls for years, and his work was hard. “The flock is back,” said Ben Ode, "
         "a biologist at the port. Hale left. He calls the news “exciting.”", "Tom Hale"),
    ],
)
def test_a_parenthetical_reporter_is_the_sentences_subject(text, speaker):
    q = extract_text(text)[-1]
    assert q.speaker == speaker


def test_gender_learned_from_the_pronouns_after_a_lone_mention(document):
    # "Robin" says nothing of gender; the article's "she" after each mention does
    text = ("The port hired Robin Vale in May. Vale said she would stay. Robin Vale later wrote that she "
            "had doubts. Kim Ode and Robin Vale spoke. Then she left.")
    doc = document(text)
    assert doc.names.entities["Robin Vale"].gender == "f"


def test_a_person_known_to_match_the_pronoun_beats_one_of_unknown_gender(document):
    text = "Robin Vale and Maria Lopez met on Monday. Later she spoke."
    doc = document(text)
    assert doc.names.entities["Robin Vale"].gender is None
    assert last_person(doc, text.index("she"), "f").name == "Maria Lopez"


def test_no_gender_learned_from_the_pronouns_after_an_object(document):
    # each "her" after Dockside is Maria Lopez's, the subject of the sentence
    text = ("Maria Lopez sued Dockside Cargo over her pay. Later Lopez accused Dockside Cargo of cutting her "
            "shifts and her pension. She also accused Dockside Cargo of hiding her file.")
    doc = document(text)
    assert doc.names.entities["Dockside Cargo"].gender is None


@pytest.mark.parametrize(
    "text, speaker, speaker_kind",
    [
        # a name the verb makes plural is an organisation's ("Big Harbour have denied")
        ('Ferry crews walked out on Monday. Blue Harbour have twice denied cutting pay.\n\n'
         '"We never cut anyone\'s pay," they said in a statement.', "Blue Harbour", "organisation"),
        # the organisation a description opening the sentence names in apposition
        ('The firm that runs the port, Dockside Cargo Holdings, denies that talks failed.\n\n'
         '"Talks go on," they said.', "Dockside Cargo Holdings", "organisation"),
        # a lone person they: nobody the article makes knowable
        ('Maria Lopez spoke on Monday.\n\n"Talks go on," they said.', None, None),
    ],
)
def test_they_for_an_organisation(text, speaker, speaker_kind):
    from quotes.extract import extract_text

    q = extract_text(text)[-1]
    assert q.speaker_mention == "they"
    assert q.speaker == speaker
    if speaker_kind:
        assert q.speaker_kind == speaker_kind


@pytest.mark.parametrize(
    "text, speaker",
    [
        ('Ferry crews walked out. Blue Harbour Ltd cut 200 jobs on Monday.\n\nNow it has put out another statement to the unions.\n\n'
         '"Talks go on," it says.', "Blue Harbour Ltd"),
        ('Maria Lopez spoke on Monday.\n\nNow they\'ve put out another statement - directly to the unions.\n\n'
         '"Talks go on," it says.', None),  # "they" names no one here
        # a statement signed by someone else is theirs, not the sender's
        ('Blue Harbour met on Monday.\n\nThe unions published a letter from Dockside Cargo.\n\n'
         '"Talks go on," it says.', None),
    ],
)
def test_it_says_speaks_for_whoever_issued_the_document(text, speaker):
    from quotes.extract import extract_text

    q = extract_text(text)[-1]
    assert q.speaker_mention == "it"
    assert q.speaker == speaker


@pytest.mark.parametrize(
    "text, speaker",
    [
        # "it" is the organisation just named as the subject, not one named in passing after it
        ('The Harbour Safety Agency warned owners off engines that contained MTX.\n\n'
         '"Do not sail them," it said in a statement.', "Harbour Safety Agency"),
        # ... and with no organisation for a subject, the latest organisation named
        ('Maria Lopez toured the boats that Dockside Cargo Ltd fitted.\n\n"Do not sail them," it said.', "Dockside Cargo Ltd"),
        # an "it" with nothing to stand for is no one's
        ("The Harbour Safety Agency fits boats.\n\nIt's especially common to hear someone complain that "
         'they have been "fighting the rudder."', None),
        ('Boats fitted by Dockside Cargo Ltd are slow.\n\nIt is hard to find anyone who says they are "tired and slow."', None),
    ],
)
def test_it_for_an_organisation(text, speaker):
    q = extract_text(text)[-1]
    assert q.speaker == speaker


@pytest.mark.parametrize(
    "text, name, kind",
    [
        ("Her son listed the Lakeside Go-Kart Track on his profile.", "Lakeside Go-Kart Track", "organisation"),
        ("Reporters asked the Obama administration for comment.", "Obama", "person"),  # a modifier only
        ("She thanked the Rev. Al Green on Sunday.", "Al Green", "person"),
    ],
)
def test_a_name_after_the_is_no_persons(document, text, name, kind):
    doc = document(text)
    assert doc.names.entities[name].kind == kind


@pytest.mark.parametrize(
    "text, speaker",
    [
        # the role words before a name, or an appositive after it, tell "the ambassador"
        # from the person named last
        ("Talks opened. Ruritanian ambassador Ana Petrova met Tom Baker on Monday. Baker said talks go on.\n\n"
         "“We will not wait,” the ambassador said.", "Ana Petrova"),
        ("Talks opened. Ana Petrova, Ruritania’s ambassador to Freedonia, met Tom Baker. Baker said talks go on.\n\n"
         "“We will not wait,” the ambassador said.", "Ana Petrova"),
        ("Talks opened. Port official Tom Baker met Ana Petrova. Petrova said talks go on.\n\n"
         "“We will not wait,” the official said.", "Tom Baker"),
        # a clause after a place is no appositive
        ("Talks opened. Ana Petrova arrived on Monday. In Lakeport, the ambassador said it was late, "
         "and left.\n\n“We will not wait,” the ambassador said.", "Ana Petrova"),
    ],
)
def test_a_description_finds_whom_the_article_described_so(text, speaker):
    from quotes.extract import extract_text

    q = extract_text(text)[-1]
    assert q.speaker == speaker


@pytest.mark.parametrize(
    "text, speaker",
    [
        # the name the passage is about, when nothing shows it to be a person's
        ("Dockside Cargo faces an inquiry. Dockside Cargo is based in Lakeport. A company spokesperson said in "
         "an email that “we are cooperating in the matter.”", "Dockside Cargo"),
        # a person named in full before is no company
        ("Maria Lopez faces an inquiry. Lopez is based in Lakeport. “We are cooperating,” a company "
         "spokesperson said.", None),
        ("Talks went on. Tom Brandt is based in Lakeport. “We are cooperating,” a company spokesperson said.", None),
    ],
)
def test_a_company_spokesperson_speaks_for_the_company_the_passage_is_about(text, speaker):
    from quotes.extract import extract_text

    q = extract_text(text)[-1]
    assert q.speaker == speaker
    if speaker:
        assert q.speaker_kind == "organisation" and q.speaker_role == "spokesperson"


@pytest.mark.parametrize(
    "text, kind",
    [
        # a name only ever before a role and a person's name is where they work
        ("Dockside Cargo boss Ana Ruiz met Quill Harbourline on Monday.", "organisation"),
        ("Early Harbourline HR boss Ana Ruiz met the crew.", "organisation"),
        # ... but a person's campaign staff still speak of a person
        ("Harbourline campaign spokesman Tom Baker spoke.", "person"),
        # ... and a name also used on its own stays what it was
        ("Harbourline chief Tom Baker spoke. Harbourline said no.", "person"),
    ],
)
def test_a_name_only_modifying_a_role_is_no_person(document, text, kind):
    doc = document(text)
    name = "Early Harbourline HR" if "Early" in text else text.split(" boss")[0].split(" campaign")[0].split(" chief")[0]
    assert doc.names.entities[name].kind == kind



@pytest.mark.parametrize(
    "reporting, speaker",
    [
        # a name right before its speech verb is the clause's subject, however long the
        # clause before it: "he" is Peter Cole, not the speaker of the quote before
        ("While the harbour's schedule for the coming winter is still light on ferries, Cole says", "Peter Cole"),
        ("Cole says", "Peter Cole"),
        # ... not when the verb is not one of speech
        ("While the harbour's schedule for the coming winter is still light on ferries, Cole thinks", "Tom Baker"),
    ],
)
def test_a_name_before_its_speech_verb_is_the_antecedent_of_he(reporting, speaker):
    text = (
        "Peter Cole, who runs the port, and Tom Baker, the mayor, met on Monday.\n\n"
        '"The pier is ready," Baker said.\n\n'
        f'{reporting} more boats may come. "We will see in spring," he says.'
    )
    assert extract_text(text)[-1].speaker == speaker


SPOKES = "Harbour deal\n\nLAKEPORT — Sen. Maria Quill met Dockside on Monday about the pier.\n\n"


@pytest.mark.parametrize(
    "said, speaker, role",
    [
        # an organisation named by its spokesperson keeps the words
        ("a Dockside spokeswoman said", "Dockside", "spokeswoman"),
        ("Dockside’s spokeswoman said", "Dockside", "spokeswoman"),
        ("said Dockside’s spokesman", "Dockside", "spokesman"),
        ("Dockside's press spokesman said", "Dockside", "spokesman"),
        ("a spokesman for Dockside said", "Dockside", "spokesman"),
        ("a Lakeport Harbour Department spokesman said", "Lakeport Harbour Department", "spokesman"),
        # ... but a person's spokesperson is not that person, and a people or a party is no organisation
        ("a Quill spokesman said", None, None),
        ("Quill’s spokesman said", None, None),
        ("a Ruritanian spokesman said", None, None),
        ("a Democratic spokesman said", None, None),
    ],
)
def test_a_spokesperson_speaks_for_the_organisation_named(said, speaker, role):
    q = extract_text(SPOKES + f"“The pier will be ready by spring,” {said}.")[-1]
    assert (q.speaker, q.speaker_role) == (speaker, role)
    if speaker:
        assert q.speaker_kind == "organisation"


@pytest.mark.parametrize(
    "text, speaker, role",
    [
        # a description that a name closes ("... ambassador to Freedonia") is the mention:
        # the person the article described so, never the place or whoever spoke last
        ("Talks opened\n\nAna Petrova, Ruritania’s ambassador to Freedonia, arrived on Monday. Tom Baker met her.\n\n"
         "“We will not wait,” Ruritania’s ambassador to Freedonia said.", "Ana Petrova", None),
        # a description and the name in apposition after it: the name says who
        ("Talks opened\n\nMara Quint, the director of the Dock Trust, spoke first.\n\n"
         "The leader of the Harbour Party, Tomas Rell, condemned the vote, saying in a statement that it "
         "“will not stand.”", "Tomas Rell", "leader of the Harbour Party"),
        # ... and without one, "the leader of" an organisation is not any leader named before
        ("Talks opened\n\nMara Quint, the leader of the Dock Trust, spoke first.\n\n"
         "The leader of the Harbour Party condemned the vote, saying in a statement that it “will not stand.”",
         None, None),
        # ... and one the article names only later, by the same words before the name
        ("Talks opened\n\nRuritania’s ambassador to France warned that talks “will not wait.”\n\n"
         "Mara Quint spoke next. Ruritania’s ambassador to France Ana Petrova left on Monday.", "Ana Petrova", None),
        ("Talks opened\n\nRuritania’s ambassador to France warned that talks “will not wait.”\n\n"
         "Mara Quint spoke next. Ruritania’s ambassador to Spain Ana Petrova left on Monday.", None, None),
        # an organisation in apposition to "the group" or "the company" is the speaker
        ("Talks opened\n\nMara Quint spoke first.\n\nThe group, Dock Workers Coalition, wrote to the port "
         "saying that they “will not be moved.”", "Dock Workers Coalition", None),
        ("Talks opened\n\nMara Quint spoke first.\n\nThe company, Harbour Freight Ltd, wrote to the port "
         "saying that it “will not be moved.”", "Harbour Freight Ltd", None),
    ],
)
def test_a_description_with_its_owner_is_whom_it_describes(text, speaker, role):
    q = extract_text(text)[-1]
    assert q.speaker == speaker
    if role:
        assert q.speaker_role == role


@pytest.mark.parametrize(
    "text, speaker",
    [
        # a name of two words or more after "a" is a thing's, and the unnamed mother the
        # "she" after it ("one mother, who ...")
        ("Apps and kids\n\nPhotoBay is popular. Maria Quill runs PhotoBay.\n\nWe spoke to one mother, who knew her son "
         "posed as a Pizza Parlour on PhotoBay. “I am ahead of other parents,” she said.", None),
        # a description's head noun must be a word of the organisation's name: "the ad" is
        # not the Broadway Arts Trust
        ("Campaign notes\n\nThe candidate stopped at a Lakeport coffee shop and at the Broadway Arts Trust.\n\n"
         "The ad claims “the candidate is the one you can trust.”", None),
    ],
)
def test_what_a_pronoun_or_description_cannot_mean(text, speaker):
    assert extract_text(text)[-1].speaker == speaker


@pytest.mark.parametrize(
    "text, speaker, kind",
    [
        # a person's campaign or office goes by the person's canonical name, the role left off
        ("Vote day\n\nSen. Maria Quill spoke on Monday.\n\nSen. Maria Quill’s campaign said she would “back the nominee.”",
         "Maria Quill's campaign", "organisation"),
        ("Vote day\n\nSen. Maria Quill spoke on Monday.\n\n“We are confident,” Quill’s office said.",
         "Maria Quill's office", "organisation"),
        ("Vote day\n\nSen. Maria Quill spoke on Monday.\n\n“We will appeal,” Quill’s lawyers said.",
         "Maria Quill's lawyers", "group"),
        # ... unless two people share the surname: then it stays as written
        ("Vote day\n\nSen. Maria Quill and her husband, Tom Quill, spoke on Monday.\n\n“We are confident,” "
         "Quill’s office said.", "Quill’s office", "organisation"),
    ],
)
def test_a_persons_campaign_or_office(text, speaker, kind):
    q = extract_text(text)[-1]
    assert q.speaker == speaker
    if kind:
        assert q.speaker_kind == kind


def test_a_possessive_description_opening_a_sentence_is_its_subject():
    # "X's ambassador to Y accused ... and warned that ...": the description speaks, not
    # the subject of the clause after "that"
    text = ("Talks stall\n\nRuritania’s ambassador to Freedonia accused the council of delays and warned that "
            "the Freedonian government “will pay for this.”")
    q = extract_text(text)[-1]
    assert q.speaker_mention == "Ruritania’s ambassador to Freedonia"


@pytest.mark.parametrize(
    "text, speaker, role",
    [
        # an office "X of Y" before a name is the role whole, not its last word
        ("Pier plan\n\nThe plan was announced on Monday by Ruritanian Secretary of State Ana Roe.\n\n"
         "Roe said the plan was “final.”", "Ana Roe", "Ruritanian Secretary of State"),
        ("Pier plan\n\nHarbour Chief of Staff Tom Baker spoke on Monday.\n\n“It is final,” Baker said.",
         "Tom Baker", "Harbour Chief of Staff"),
        # ... and it does not run on over "and" into the next name
        ("Pier plan\n\nFormer Secretary of State Ana Roe and Sen. Tom Baker spoke on Monday.\n\n“It is final,” Baker said.",
         "Tom Baker", "Sen"),
    ],
)
def test_an_office_of_several_words_is_the_role(text, speaker, role):
    q = extract_text(text)[-1]
    assert (q.speaker, q.speaker_role) == (speaker, role)


@pytest.mark.parametrize(
    "text, speaker",
    [
        # a word for kin right before a name, or in an appositive after it, gives its gender
        ("Voters\n\nAna Berg lives in Lakeport.\n\nHer husband, Milo Berg, gave to many candidates. “I feel bad to "
         "say it,” she said.", "Ana Berg"),
        ("Voters\n\nAna Berg lives in Lakeport. Milo Berg, her husband, gives to many candidates.\n\n“I feel bad to "
         "say it,” she said.", "Ana Berg"),
        ("Voters\n\nDara Quill, a father of two, and Ana Roe spoke on Monday.\n\n“I feel bad to say it,” she said.",
         "Ana Roe"),
    ],
)
def test_a_kin_word_beside_a_name_gives_its_gender(text, speaker):
    assert extract_text(text)[-1].speaker == speaker


@pytest.mark.parametrize(
    "text, speaker, mention",
    [
        # the place and agency of a dateline are never the sentence's subject
        ("Council backs the pier\n\nPort Ellery (Coastal Wire) -- Mayor Ana Lima has backed the plan, calling it "
         "“a fair deal for the fishermen.”", "Ana Lima", "Mayor Ana Lima"),
        # a spokesman for a person speaks for her, in his own words: not hers
        ("Council backs the pier\n\nA spokesman for Mayor Ana Lima called the report “plainly wrong.”",
         None, "A spokesman for Mayor Ana Lima"),
        ("Council backs the pier\n\nA spokesman for Dockside Shipping Inc. called the report “plainly wrong.”",
         "Dockside Shipping Inc", "A spokesman for Dockside Shipping Inc."),
        # a short name after a preposition is its object, "the" or not ...
        ("Tom Hale wrote the report. In the weeks since the DNC leaks, critics called the plan “a trick.”",
         None, "critics"),
        # ... the object of an unnamed person's description ...
        ("Ana Lima ran the port for years. “She never wanted to sell,” a person close to the Ortegas said.",
         None, "a person close to the Ortegas"),
        # ... or of the name before it, which says who
        ("Tom Hale wrote the report. As Ben Ode of The Forward wrote, “the pier is a relic.”",
         "Ben Ode", "Ben Ode of The Forward"),
    ],
)
def test_the_subject_after_a_dateline_a_spokesman_or_a_preposition(text, speaker, mention):
    [q] = extract_text(text)
    assert (q.speaker, q.speaker_mention) == (speaker, mention)


@pytest.mark.parametrize(
    "text, speaker, mention",
    [
        # a verb's base form after "a" and a name is a noun: the sentence's subject speaks
        ("Tom Hale posted a Twitter comment of his own, saying, “We are so glad.”", "Tom Hale", "Tom Hale"),
        # ... and a document named for an organisation speaks for it
        ("The Harbour Safety Agency (HSA) met on Monday.\n\nThe HSA report stated: “The pier is unsafe.”",
         "Harbour Safety Agency", "The HSA report"),
        # "with X yelling": X speaks, an adverb between or not, however short the name
        ("Tom Hale ran. At a rally in Lakeport, Maine, on Saturday, a protester was pushed, with Hale "
         "reportedly yelling: “Get him out of here!”", "Tom Hale", "Hale"),
        # ... while "a post by" keeps its author
        ("The pier closed. A Medium post by the writer Ben Ode called it “a loss for the town.”", "Ben Ode", "Ben Ode"),
    ],
)
def test_the_subject_of_a_cue_word(text, speaker, mention):
    q = extract_text(text)[-1]
    assert (q.speaker, q.speaker_mention) == (speaker, mention)


@pytest.mark.parametrize(
    "text, mention",
    [
        # a description with a plural role noun: someone unnamed, not the last speaker
        ("“It was awful,” one of the project managers present said later.", "one of the project managers present"),
        ("“It was awful,” one of the longtime ferry engineers on board said.", "one of the longtime ferry engineers on board"),
    ],
)
def test_a_description_by_a_plural_role(text, mention):
    q = extract_text("Tom Hale ran the meeting. What Hale did was “ridiculous,” said Ben Ode.\n\n" + text)[-1]
    assert (q.speaker, q.speaker_mention) == (None, mention)


@pytest.mark.parametrize(
    "later, speaker",
    [
        # someone unnamed of the same description came in since the named one
        ("A day later, one former adviser said the plan would fail.\n\n“He does not believe it,” the former adviser said.", None),
        # ... not when the article names no one else so
        ("A day later, the plan was dropped.\n\n“He does not believe it,” the former adviser said.", "Sean Smith"),
        # ... nor for words between "a" and the noun that do not modify it
        ("A day later, Ana Roe had a question for the former adviser.\n\n“He does not believe it,” the former adviser said.", "Sean Smith"),
    ],
)
def test_the_same_description_after_someone_unnamed(later, speaker):
    text = "Sean Smith, a former adviser, left in May. “It is done,” Smith said.\n\n" + later
    assert extract_text(text)[-1].speaker == speaker


@pytest.mark.parametrize(
    "text, speaker",
    [
        # a name with its party and state in brackets, then an appositive, before "said"
        ("“They would get it,” Rep. Ann Roe (R-Ohio), an oversight panel member, said in an interview.", "Ann Roe"),
        # ... but a name after "for" is an object, whatever follows it
        ("Ben Ode, who once worked for Sen. Ann Roe (R-Ohio), one of the bill's authors, called it “a big step.”", "Ben Ode"),
    ],
)
def test_a_bracketed_party_label_before_an_appositive(text, speaker):
    assert extract_text("Tom Hale spoke.\n\n" + text)[-1].speaker == speaker
