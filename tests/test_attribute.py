"""Speaker attribution: one family of sentences per pattern (all fixtures written here)."""
from __future__ import annotations

import pytest

from quotes.extract import extract_text


def only(text: str, words: str):
    """The quote whose text contains ``words``."""
    found = [q for q in extract_text(text) if words in q.text]
    assert found, f"no quote containing {words!r} in {[q.text for q in extract_text(text)]}"
    return found[0]


def check_mention(text: str, q, mention: str) -> None:
    assert q.speaker_mention == mention
    assert text[q.speaker_start : q.speaker_end] == mention


@pytest.mark.parametrize(
    "text, words, speaker, mention, method",
    [
        # X said (after the quote)
        ('"The bridge will open in May," Maria Lopez said.', "bridge", "Maria Lopez", "Maria Lopez", "named-subject"),
        ('"We need more buses," Councillor Tom Baker said on Monday.', "buses", "Tom Baker", "Councillor Tom Baker", "named-subject"),
        # said X (post-posed)
        ('"The bridge will open in May," said Maria Lopez.', "bridge", "Maria Lopez", "Maria Lopez", "post-posed"),
        ('"Nobody was hurt," said Fire Chief Dana Reyes, who led the crew.', "hurt", "Dana Reyes", "Fire Chief Dana Reyes", "post-posed"),
        # X, appositive, said
        ('"Prices will rise," Omar Haddad, a spokesman for the port authority, said.', "Prices", "Omar Haddad", "Omar Haddad", "named-subject"),
        # X said: / X told reporters,
        ('Maria Lopez said: "The bridge will open in May."', "bridge", "Maria Lopez", "Maria Lopez", "named-subject"),
        ('Maria Lopez told reporters, "The bridge will open in May."', "bridge", "Maria Lopez", "Maria Lopez", "named-subject"),
        # according to X
        ('The bridge will open "well before the summer," according to Maria Lopez.', "summer", "Maria Lopez", "Maria Lopez", "according-to"),
        ('According to Maria Lopez, "the bridge will open in May."', "bridge", "Maria Lopez", "Maria Lopez", "according-to"),
        # words relayed: "X called it "..." , according to Y" stay X's
        ('Maria Lopez called the plan "reckless," according to the Harbour Times.', "reckless", "Maria Lopez", "Maria Lopez", "named-subject"),
        # a document introduced with a colon: its author's words
        ('The vote is on Monday. From Maria Lopez’s letter: "We will win the vote, and soon."', "vote, and", "Maria Lopez", "Maria Lopez", "colon"),
        # X told CNN / said in a statement / wrote on Twitter
        ('"We are ready," Maria Lopez told CNN.', "ready", "Maria Lopez", "Maria Lopez", "named-subject"),
        ('"We are ready," Maria Lopez said in a statement.', "ready", "Maria Lopez", "Maria Lopez", "named-subject"),
        ('"We are ready," Maria Lopez wrote on Twitter.', "ready", "Maria Lopez", "Maria Lopez", "named-subject"),
    ],
)
def test_named_speaker_patterns(text, words, speaker, mention, method):
    q = only(text, words)
    assert q.speaker == speaker
    check_mention(text, q, mention)
    assert q.method == method
    assert q.cue


@pytest.mark.parametrize(
    "text, words, speaker, role",
    [
        ('"No comment," said Jalil Haddad, a spokesman for the harbour board.', "comment", "Jalil Haddad", "spokesman for the harbour board"),
        ('Harbour Minister Greta Olsen said "the pier stays."\n\n"It is final," Olsen said.', "final", "Greta Olsen", "Harbour Minister"),
    ],
)
def test_roles(text, words, speaker, role):
    q = only(text, words)
    assert q.speaker == speaker
    assert q.speaker_role == role
    assert q.speaker_kind == "person"


@pytest.mark.parametrize(
    "text, words, speaker, mention",
    [
        # surname -> full name
        ("Budget day.\n\nMayor Ellen Park opened the session.\n\n\"We start now,\" Park said.", "start", "Ellen Park", "Park"),
        # pronoun -> the last subject
        ("Budget day.\n\nSenator Victor Hale spoke for an hour.\n\n\"The vote is close,\" he said.", "close", "Victor Hale", "he"),
        # pronoun skips a person of the other gender
        ("Budget day.\n\nGovernor Lucy Brandt met Paul Ortiz on Friday.\n\n\"It went well,\" she said.", "went well", "Lucy Brandt", "she"),
        # description resolved through a known role
        ("Budget day.\n\nHarbour chairman Ivan Petrov opened the talks.\n\n\"We will wait,\" the chairman said.", "wait", "Ivan Petrov", "the chairman"),
    ],
)
def test_resolution(text, words, speaker, mention):
    q = only(text, words)
    assert q.speaker == speaker
    check_mention(text, q, mention)


def test_unknowable_speaker_keeps_mention_but_no_name():
    text = '"The figures are wrong," a city official said.'
    q = only(text, "figures")
    assert q.speaker is None
    check_mention(text, q, "a city official")
    assert q.method == "description"


def test_organisation_speaker():
    text = 'The Transport Ministry called the strike "deeply irresponsible" on Monday.'
    q = only(text, "irresponsible")
    assert q.speaker == "Transport Ministry"
    assert q.speaker_kind == "organisation"
    assert q.kind == "partial"


@pytest.mark.parametrize(
    "text, words, speaker, method",
    [
        # a second quote in the paragraph inherits
        ('"We lost," Coach Amy Ford said. "We will be back."', "back", "Amy Ford", "paragraph-carry"),
        # a paragraph that is only a quote inherits from the paragraph before
        ('"We lost," Coach Amy Ford said.\n\n"We will be back next year."', "back", "Amy Ford", "previous-quote"),
        # colon introduction in the paragraph before
        ("Coach Amy Ford told the players:\n\n\"We will be back next year.\"", "back", "Amy Ford", "colon"),
    ],
)
def test_inheritance(text, words, speaker, method):
    q = only(text, words)
    assert q.speaker == speaker
    assert q.method == method


def test_multi_paragraph_quote_parts_are_linked():
    text = (
        'Coach Amy Ford addressed the team.\n\n'
        '"This season was hard for all of us.\n\n'
        '"But we will be back next year," she said.'
    )
    quotes = extract_text(text)
    assert [q.text for q in quotes] == ["This season was hard for all of us.", "But we will be back next year,"]
    assert quotes[1].continues == 0
    assert quotes[0].speaker == quotes[1].speaker == "Amy Ford"


def test_partial_and_direct_kinds():
    text = 'Ford called the loss "a wake-up call" for the club.\n\n"We will be back," Ford said.'
    kinds = {q.text: q.kind for q in extract_text(text)}
    assert kinds["a wake-up call"] == "partial"
    assert kinds["We will be back,"] == "direct"


def test_scare_quotes_have_no_speaker():
    text = 'The so-called "miracle cure" was sold online for years.'
    q = only(text, "miracle")
    assert q.kind == "term"
    assert q.speaker is None


def test_confidence_orders_methods():
    text = (
        '"We will win," said Coach Amy Ford.\n\n'
        'The team, critics say, is "not ready" for the final.'
    )
    strong = only(text, "win")
    weak = only(text, "not ready")
    assert 0 < weak.confidence < strong.confidence <= 1


def test_empty_quotes_do_not_shift_offsets():
    text = 'Tweets.\n\n<tweet pic="" author="someone">\n\n"We will rebuild it," the mayor added.'
    q = only(text, "rebuild")
    check_mention(text, q, "the mayor")


@pytest.mark.parametrize(
    "text, words, speaker, method",
    [
        # a participle after the quote leaves the speech to the clause's subject
        ('Intro.\n\nMayor Ellen Park toured the memorial to the crew\'s "quiet courage", saying the town owed them.', "quiet courage", "Ellen Park", "sentence-cue"),
        ('Intro.\n\nMayor Ellen Park hailed the vote as "historic," saying it would last.', "historic", "Ellen Park", "named-subject"),
        # lowercase role words before a post-posed name
        ('Intro.\n\n"It will pass," said former council adviser Omar Haddad.', "pass", "Omar Haddad", "post-posed"),
        # a sign-off after the quote
        ("Intro.\n\n“Fix the road first.” ― Dana Reyes", "Fix the road", "Dana Reyes", "sign-off"),
        # an interview transcript inside the quotation marks
        ('Intro.\n\n"PARK: We will build it next year."', "We will build", "Park", "transcript"),
        # "according to" closing the sentence
        ('Intro.\n\nThe plan is "dead on arrival," according to Omar Haddad.', "dead on arrival", "Omar Haddad", "according-to"),
        # the sentence opening a paragraph introduces the quote that follows
        ('Intro.\n\nMayor Ellen Park spoke next.\n\n"We start today, and we will finish the work by spring."', "start today", "Ellen Park", "previous-paragraph"),
    ],
)
def test_more_patterns(text, words, speaker, method):
    q = only(text, words)
    assert q.speaker == speaker
    assert q.method == method


def test_reported_speech_goes_to_the_reporter():
    text = 'Intro.\n\nOmar Haddad said Friday that the mayor described the plan as "a gift to the town."'
    q = only(text, "gift")
    assert q.speaker == "Omar Haddad"


@pytest.mark.parametrize(
    "text, words, speaker, mention",
    [
        # a name that only modifies the next one is not the sentence's subject
        ("Intro.\n\nMayor Ana Rivera spoke first.\n\nRivera communication director Nina Alvarez took questions.\n\n"
         "\"We disagree,\" she said.", "disagree", "Nina Alvarez", "she"),
        # a one-word name counts as a person when an honorific gives its gender
        ("Intro.\n\nMr. Okafor rejected the criticism from Senator Paula Dunn's office.\n\n\"That is false,\" he said.",
         "false", "Okafor", "he"),
        # the latest subject wins over a speaker named more often
        ("Intro.\n\n\"We will sign,\" Governor Sam Reed said. \"Soon,\" Reed added. \"Very soon,\" Reed said.\n\n"
         "State party chairman Luis Ortega called it a win.\n\n\"The court agreed with us,\" he said.",
         "court agreed", "Luis Ortega", "he"),
        # an acronym resolves to the name the article spells out
        ("Intro.\n\nThe International Harbour Authority (IHA) warned of delays. The IHA said the pier was \"unsafe for now.\"",
         "unsafe", "International Harbour Authority", "The IHA"),
        # a description matched to a role through its head noun
        ("Intro.\n\nRep. Dan Whitfield questioned the plan on Monday. Mayor Carl Benz disagreed.\n\n"
         "The Ohio congressman said it was \"a mess.\"", "a mess", "Dan Whitfield", "The Ohio congressman"),
        # two roles joined by "and" describe one person
        ("Intro.\n\nGreta Olsen spoke at the dock.\n\nThe former harbour minister and current party leader said the plan was \"too late.\"",
         "too late", "Greta Olsen", "The former harbour minister and current party leader"),
        # "the union" after an organisation named with "of"
        ("Intro.\n\nThe Association of Dock Workers endorsed the plan on Friday.\n\n\"This is overdue,\" the union wrote.",
         "overdue", "Association of Dock Workers", "the union"),
    ],
)
def test_canonical_resolution(text, words, speaker, mention):
    q = only(text, words)
    assert q.speaker == speaker
    check_mention(text, q, mention)


@pytest.mark.parametrize(
    "text, words, mention",
    [
        ("Intro.\n\n\"It is baseless,\" said Mayor Ellen Park's lawyer.", "baseless", "Mayor Ellen Park's lawyer"),
        ("Intro.\n\n\"We will appeal,\" Omar Haddad's family said on Friday.", "appeal", "Omar Haddad's family"),
    ],
)
def test_possessor_is_not_the_speaker(text, words, mention):
    q = only(text, words)
    assert q.speaker is None
    check_mention(text, q, mention)


@pytest.mark.parametrize(
    "text, words, speaker, method",
    [
        # a long aside between the quote and "said X"
        ('Intro.\n\n"Nobody saw the flood coming," even though the river had risen steadily for more than a week before the storm arrived, '
         'said Dana Reyes, the county engineer.', "flood coming", "Dana Reyes", "post-posed"),
        # any -ed verb between an exclaimed quote and a name
        ('Intro.\n\n"This is wonderful!" beamed Omar Haddad, who drove in from the coast.', "wonderful", "Omar Haddad", "post-posed"),
        # a sign-off after a no-break space
        ("Intro.\n\n“Fix the road first.”\u00a0― Dana Reyes\n“Then the bridge.” ― Omar Haddad", "Fix the road", "Dana Reyes", "sign-off"),
        # the sentence before the quote closes with its own cue
        ('Intro.\n\nThe council may wait until spring, Dana Reyes said. "Nobody wants to rush this."', "rush", "Dana Reyes", "previous-sentence"),
        # ... or with its cue between commas inside it
        ('Intro.\n\nThe council, Dana Reyes said, may wait until spring. "Nobody wants to rush this."', "rush", "Dana Reyes", "previous-sentence"),
        # ... and for a quote inside a sentence with no one in it
        ('Intro.\n\nThe council may wait until spring, Dana Reyes said. Since the river is high, "nobody wants to '
         'rush this."', "rush", "Dana Reyes", "previous-sentence"),
        # the cue opens the sentence: "Said X, ...: "
        ('Intro.\n\nSaid Dana Reyes, who grew up on the coast, "The tide always wins."', "tide", "Dana Reyes", "post-posed"),
        # a nickname inside the speaker's name
        ('Intro.\n\n"We will win this!" Dana "Dee" Reyes shouted to the crowd.', "win this", "Dana Reyes", "named-subject"),
    ],
)
def test_more_cues(text, words, speaker, method):
    q = only(text, words)
    assert q.speaker == speaker
    assert q.method == method


def test_nickname_is_not_a_quotation():
    text = 'Intro.\n\n"We will win this!" Dana "Dee" Reyes shouted to the crowd.'
    q = only(text, "Dee")
    assert q.kind == "term"
    assert q.speaker is None


@pytest.mark.parametrize(
    "text, words, speaker, mention",
    [
        # a person introduced with an appositive role is the likely "he"
        ("Intro.\n\nMayor Carl Benz spoke for an hour. The delay worries Victor Hale, the president of the dock union.\n\n"
         "\"We cannot wait,\" he said.", "cannot wait", "Victor Hale", "he"),
        # a place closing the opening adverbial is not the subject
        ("Intro.\n\nSpeaking at a county fair in Dover, Delaware, Dana Reyes went after the mayor, calling him \"a total fraud.\"", "total fraud", "Dana Reyes", "Dana Reyes"),
    ],
)
def test_salience(text, words, speaker, mention):
    q = only(text, words)
    assert q.speaker == speaker
    check_mention(text, q, mention)


def test_namesakes_resolve_to_the_one_just_named():
    text = (
        "Intro.\n\nGovernor Paul Brandt opened the fair on Monday.\n\n"
        "Later, harbour chief Lena Brandt said the pier would stay shut. \"It is not safe,\" Brandt said."
    )
    q = only(text, "not safe")
    assert q.speaker == "Lena Brandt"
