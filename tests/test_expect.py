"""Which questions ask for a number, a date or a share, and which answers give one."""

import pytest

from rag.answer.expect import expected_kind, gives_kind


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many regions did Russia claim?", "a number"),
        ("How old is Sergei Markov?", "a number"),
        ("What is the population of Kyiv?", "a number"),
        ("When was Yuri Ushakov born?", "a date or time"),
        ("In which month did Putin say it?", "a date or time"),
        ("And when did the talks start?", "a date or time"),
        ("What percentage of the territory does Russia control?", "a percentage or share"),
        ("Who is Steve Witkoff?", None),
        ("What happened when Putin met Witkoff?", None),  # "when" as a conjunction
        ("How much influence does he have?", None),  # degree, not always a number
        ("Where was Markov born?", None),
        ("By default, how many fields can a form contain?", "a number"),  # after a clause
        ("If I leave out -w, how many workers run?", "a number"),
        ("At what cookie header size does Flask warn?", "a number"),
        ("Since which Click version can a type be a tuple?", "a version"),
        ("In which Python release was tomllib added?", "a version"),
        ("Which version of the licence applies, and why?", "a version"),
        ("If it fails, what then?", None),
        ("What is a version control system?", None),  # asks what, not which version
    ],
)
def test_expected_kind(question, kind):
    assert expected_kind(question) == kind


def test_gives_kind():
    assert gives_kind("How many regions?", "the four regions it claims")
    assert gives_kind("When did they meet?", "They met on Thursday morning.")
    assert gives_kind("What share of the vote?", "Just over half of it.")
    assert not gives_kind("How old is Markov?", "One possibility is that he is a pundit.")
    assert not gives_kind("What percentage is held?", "Four regions were annexed in 2022.")
    assert gives_kind("Who is he?", "Anything at all.")
    assert gives_kind("Which version added it?", "New in version 3.11: the walk() method.")
    assert not gives_kind("Which version added it?", "It was added to pathlib recently.")
    assert not gives_kind("Which version added it?", ">>> run(['ls'], capture_output=True, n=2)")
    assert gives_kind("Which release dropped it?", "Support was removed in release 2 and v3.")


def test_a_count_is_not_an_address_a_version_or_a_code():
    """Seen shown: "$ waitress-serve --host 127.0.0.1 hello:app." for how many threads,
    "* Debugger PIN: 223-456-919." for how long the PIN stays valid."""
    asks = "How many threads does it use?"
    assert not gives_kind(asks, "$ waitress-serve --host 127.0.0.1 hello:app.")
    assert not gives_kind("How long does the PIN stay valid?", "* Debugger PIN: 223-456-919.")
    assert not gives_kind(asks, "Starting gunicorn 20.1.0 on X.25")
    for text in ("It uses 4.", "Up to 1_000 fields.", "5-10 seconds.", "-5 degrees", "2.5 s"):
        assert gives_kind(asks, text), text


def test_when_opening_a_condition_asks_for_no_time():
    from rag.answer.expect import expected_kind

    assert expected_kind("When I set FLASK_DEBUG, what value does app.debug get?") is None
    assert expected_kind("When using click, how do I add an option?") is None
    assert expected_kind("When did Putin meet Witkoff?") == "a date or time"
    assert expected_kind("Since when?") == "a date or time"
    # a clause set off by a comma, then the question proper
    assert expected_kind("When two items compare equal, does sorted() keep them?") is None
    assert expected_kind("When three forces act on a particle, what happens?") is None
    assert expected_kind("When, and where, did they meet?") == "a date or time"
    # a rule's condition: systemd's "Use goto for cleaning up" had been kept out of the
    # context for a sentence with a time in it
    assert expected_kind("When may I use goto in systemd code?") is None
    assert expected_kind("When should you call close()?") is None
    assert expected_kind("When do I have to renew the licence?") == "a date or time"
    assert expected_kind("When can Putin meet Trump?") == "a date or time"


def test_asked_for_a_version_one_version_is_shown():
    from rag.answer.choose import one_version
    from rag.answer.expect import versions
    from rag.verify.cite import Sentence

    assert versions("New in version 3.11: Added x (was v2; see release 8).") == {"3.11", "2", "8"}
    shown = [
        Sentence("Available since Ninja 1.5.", [1], True),
        Sentence("Available since Ninja 1.1.", [2], True),
        Sentence("It is 1.5 or later, as the console pool needs.", [3], True),
    ]
    keep, note = one_version(
        "Since which version does Ninja have the console pool?", shown, [True] * 3, None
    )
    assert keep == [True, False, True]
    assert note == "1 sentence(s) giving another version were left out: the question asks for one."
    # Not asked for a version: both stay.
    assert one_version("What changed in Ninja?", shown, [True] * 3, None) == ([True] * 3, None)


def test_a_note_that_something_changed_does_not_say_since_when_it_exists():
    from rag.answer.choose import one_version
    from rag.verify.cite import Sentence

    shown = [
        Sentence("Changed in version 3.11: If a field name is already in __slots__ ...", [1], True),
        Sentence("New in version 3.10.", [2], True),
    ]
    asked = "From which Python version can I pass slots=True to @dataclass?"
    assert one_version(asked, shown, [True, True], None)[0] == [False, True]
    # Asked about the change, the change note answers.
    changed = "In which version did the handling of __slots__ change?"
    assert one_version(changed, shown, [True, True], None)[0] == [True, False]
    # Alone, it gives the version of another change: it is left out.
    assert one_version(asked, shown[:1], [True], None)[0] == [False]
    # A change note that adds something says since when that exists.
    added = Sentence("Changed in version 3.11: Added the slots parameter.", [1], True)
    assert one_version(asked, [added, shown[1]], [True, True], None)[0] == [True, False]
