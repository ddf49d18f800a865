"""The words the checks read: every word list lives here once, named for what it is.

Each list says who reads it. Where a reader needs a variant (the number words without
"one"), it derives that in one line where it is used and says why; a pattern built from
a list is built by the module that uses it (``either`` spells the alternation). Lists of
function words overlap ("the", "is" ...) because each answers its own question. No
other module spells a list of number words, titles, pronouns or verbs of speech; a
pattern that matches whole phrases (the guard's "ignore your instructions", expect's
"this year", cite's "the documents do not say") keeps its words, as do lists that one
module reads about one thing (expect's months, summary's organisation words).
"""

import re
from collections.abc import Iterable


def either(words: Iterable[str]) -> str:
    """The words as a regex alternation (without brackets); a space matches any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in dict.fromkeys(words))


# ---------------------------------------------------------------- numbers

# Number words by value. rag/verify/verifier.py compares them with digits ("five" is not
# "4"), rag/answer/expect.py asks whether a sentence holds a number, rag/answer/route.py
# reads "in three sentences"; each leaves out what it must where it reads them.
_UNITS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
NUMBER_WORDS: dict[str, int] = {
    **{word: n for n, word in enumerate(_UNITS)},
    **{word: 10 * n for n, word in enumerate(_TENS, start=2)},
}
# Words that count by the dozen, hundred, thousand: the numbers check reads their values,
# rag/answer/expect.py their singular and plural as signs of a number.
MULTIPLES = {"dozen": 12, "hundred": 100, "thousand": 1000}
# Larger ones: only a sign that a sentence holds a number (rag/answer/expect.py).
MAGNITUDES = ("million", "billion", "trillion")
# Counts without a number (rag/answer/expect.py: a "How many?" answer may give one).
VAGUE_COUNTS = ("twice", "several", "a few", "a couple")

# The mark Sphinx's HTML ends every heading with (a permalink), never part of its title.
PERMALINK = "¶"
# Sphinx's version notes by directive, as it shows them ("New in version 2.3: ..."):
# rag/ingest/markup.py writes them; rag/text/sentences.py keeps each note one sentence,
# as do the words newer Sphinx shows ("Added in version 3.12").
VERSION_NOTES = {
    "versionadded": "New in version",
    "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version",
    "versionremoved": "Removed in version",
}
NEWER_VERSION_NOTES = ("Added in version",)
# The notes that something already there changed, the words of such a note that say
# something arrived ("Changed in version 3.7: Added the capture_output parameter."), and
# the words of a question that asks about a change (rag/answer/choose.py: a note of
# another change does not say since when a thing exists).
CHANGE_NOTES = tuple(v for k, v in VERSION_NOTES.items() if k != "versionadded")
ARRIVAL_WORDS = ("added", "adds", "new", "introduced", "introduces")
CHANGE_WORDS = ("chang", "deprecat", "remov", "drop", "break", "rename")
# A heading with a version and one of these heads what is new in that version ("Git v2.38
# Release Notes", "What's New In Python 3.11", "Upgrading to 3.2"): rag/ingest/headings.py.
# Not "version" alone: "Mozilla Public License Version 2.0" is a text, not a release.
RELEASE_WORDS = (
    "release",
    "what's new",
    "whats new",
    "changes",
    "changelog",
    "upgrading",
    "news",
)
# Abbreviations that never end a sentence and that punkt's English model (trained on news)
# does not know: rag/text/sentences.py. Technical text is full of them ("(e.g. with
# backslashes under Windows)" had been cut after "e.g.").
NEVER_ENDS = ("e.g", "i.e", "cf", "viz")

# ---------------------------------------------------------------- titles

# The two titles that rag/verify/roles.py skips between two names ("Putin told Mr. Trump").
MR_MS = ("Mr", "Ms")
# Titles before a name, never part of it ("Mr. Putin", "Prime Minister Starmer"):
# rag/answer/who_is.py strips them from the name asked about, rag/answer/summary.py
# takes a name after one as a person's; TITLES below splits them into words.
HONORIFICS = (*MR_MS, "Mrs", "Dr", "Sir", "President", "Prime Minister")

# ---------------------------------------------------------------- pronouns

# Personal pronouns, one tuple a person: subject, object, possessive, standalone.
I = ("i", "me", "my", "mine")  # noqa: E741
WE = ("we", "us", "our", "ours")
YOU = ("you", "you", "your", "yours")
HE = ("he", "him", "his", "his")
SHE = ("she", "her", "her", "hers")
IT = ("it", "it", "its", "its")
THEY = ("they", "them", "their", "theirs")
SUBJECT, OBJECT, POSSESSIVE, STANDALONE = range(4)
PERSONS = (I, WE, YOU, HE, SHE, IT, THEY)
# Someone or something a sentence points back to ("What does she say?", "This
# contributed ..."): rag/answer/chat.py, rag/answer/summary.py, rag/verify/roles.py.
THIRD_PERSON = (HE, SHE, IT, THEY)
# Pronouns for people, who speak and act: rag/verify/attribution.py ("she said") and
# rag/verify/roles.py ("wants him to"). Not "it"; nor "you", which no check reads.
PEOPLE = (I, WE, HE, SHE, THEY)
# The singular demonstratives, and all four (rag/answer/chat.py, rag/answer/summary.py,
# rag/text/sentences.py; the lists below).
THIS_THAT = ("this", "that")
DEMONSTRATIVES = (*THIS_THAT, "these", "those")
ARTICLES = ("a", "an", "the")  # rag/answer/who_is.py ("a pro-Kremlin analyst"); lists below

# Capitalised words that are never a name nor part of one: each word of a title, and the
# pronoun "I". rag/text/names.py, rag/verify/attribution.py, rag/verify/roles.py and
# rag/answer/summary.py read it.
TITLES = frozenset({word for title in HONORIFICS for word in title.split()} | {I[SUBJECT].upper()})

# ---------------------------------------------------------------- speech

# Verbs of speech and opinion, each as (base, -s form, past); each check picks its own.
SAY = ("say", "says", "said")
TELL = ("tell", "tells", "told")
ADD = ("add", "adds", "added")
STATE = ("state", "states", "stated")
WRITE = ("write", "writes", "wrote")
NOTE = ("note", "notes", "noted")
ARGUE = ("argue", "argues", "argued")
WARN = ("warn", "warns", "warned")
EXPLAIN = ("explain", "explains", "explained")
INSIST = ("insist", "insists", "insisted")
CLAIM = ("claim", "claims", "claimed")
REPORT = ("report", "reports", "reported")
THINK = ("think", "thinks", "thought")
BELIEVE = ("believe", "believes", "believed")
BASE, S_FORM, PAST = range(3)
# A sentence reports speech ("Markov said", "she says"): rag/verify/attribution.py.
SPEECH = (SAY, TELL, ADD, STATE, WRITE, NOTE, ARGUE, WARN, EXPLAIN)
# A passage reports what another did ("Ushakov said Putin had ..."): rag/verify/roles.py.
REPORTING = (SAY, TELL, ADD, STATE, WRITE, NOTE, ARGUE, EXPLAIN, INSIST, CLAIM, REPORT)
# A view, not a fact ("she thinks", "he claimed"): rag/verify/attribution.py.
OPINION = (THINK, BELIEVE, CLAIM, ARGUE)
# How a question asks what someone says ("What does Markov say?", "What did Witkoff
# tell reporters?"): rag/verify/attribution.py. Not "add" or "note": "What was added to
# the Lexus?" asks no one.
ASKING = (SAY, TELL, WRITE, *OPINION)
# Verbs whose infinitive may take its own subject: "X wants to go" is X going, "X wants Y
# to go" is Y going (rag/verify/roles.py reads their stems).
CONTROL_VERBS = (
    "want", "hope", "plan", "seek", "try", "aim", "intend", "need", "expect", "agree",
    "refuse", "promise", "ask", "wish", "prefer", "like", "decide", "attempt", "offer",
    "prepare", "urge", "push", "press", "help", "allow", "force", "persuade", "encourage",
    "pressure", "invite", "order", TELL[BASE], "get", "wait",
)  # fmt: skip

# ---------------------------------------------------------------- function words

# A line that ends with one of these goes on: the break only wraps the sentence
# (rag/text/sentences.py).
FUNCTION_WORDS = frozenset(
    {*ARTICLES, "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for"}
    | {"with", "from", "as", "into", "than", "which", "who", "whose", "if", "is"}
    | {"are", "was", "were", "be", "been", *(person[POSSESSIVE] for person in PERSONS)}
    | set(DEMONSTRATIVES)
)
# Skipped when looking for the word a negation negates ("does not even keep"):
# rag/verify/verifier.py.
FILLER = frozenset(
    {*ARTICLES, "to", "be", "been", "being", "is", "are", "was", "were", "have", "has"}
    | {"had", "do", "does", "did", "even", "yet", "always", "ever", "only", "just", "any"}
    | {"so", *THIS_THAT, "very", "much", "more", "all", "exactly", "entirely", "quite"}
    | {"also"}
)
# Words that state an absence or an end without a "not" ("support was dropped"): a
# claim that says "no longer supported" does not add a negation the passage lacks
# (rag/verify/verifier.py; found on changelogs, where "dropped" is the usual word).
NEGATING_WORDS = (
    "drop", "dropped", "remove", "removed", "deprecate", "deprecated", "discontinued",
    "stop", "stopped", "cease", "ceased", "end", "ended", "lack", "lacks", "lacked",
    "fail", "fails", "failed", "unsupported", "disabled", "excluded", "forbidden",
    "prohibited", "refuse", "refused", "reject", "rejected", "deny", "denied",
    "absent", "missing", "omitted", "ignored", "unable", "unavailable", "obsolete",
)  # fmt: skip
# A clause that opens a question with "when" and a subject states a condition, not a
# time asked for ("When I set FLASK_DEBUG, what value ...?"): rag/answer/expect.py.
CLAUSE_SUBJECTS = (
    *(person[0] for person in PERSONS), *ARTICLES, "this", "that", "these", "those",
    "my", "your", "our", "their", "its", "his", "her", "using", "calling", "running",
)  # fmt: skip
# "When may I use goto?" asks under which condition a rule allows something, not at
# what time: "when" then one of these and "I", "you" or "we" (rag/answer/expect.py).
# Not "do" nor "will": "When do I have to renew it?" asks for a time.
RULE_MODALS = ("may", "can", "should", "must")
# Words a question's main clause opens with, after a clause set off by a comma ("When two
# items compare equal, does sorted() ...?" asks yes or no, not when): rag/answer/expect.py.
QUESTION_OPENERS = (
    "what", "which", "who", "whom", "whose", "where", "why", "how", "is", "are", "was",
    "were", "do", "does", "did", "can", "could", "will", "would", "should", "may", "must",
    "has", "have", "had",
)  # fmt: skip
# Words between two names that say nothing about who did what: rag/verify/roles.py.
LINKING = frozenset(
    {*ARTICLES, "to", "of", "in", "on", "at", "for", "by", *THIS_THAT, "is", "was", "were"}
    | {"be", "has", "had", "have", "as", "so", "also", SAY[S_FORM], SAY[PAST]}
    | {person[case] for person in THIRD_PERSON for case in (SUBJECT, POSSESSIVE)}
    | {title.lower() for title in MR_MS}
)
# Auxiliaries between a name and its verb ("Ushakov had conveyed"): rag/verify/roles.py.
AUXILIARIES = frozenset({"had", "has", "have", "was", "were", "is", "would", "could", "will"})
# After "said", a preposition opens whom it was said of or to ("Putin said of Trump"), not
# the speaker: rag/verify/attribution.py.
PREPOSITIONS = (
    "with", "to", "by", "for", "from", "in", "on", "at", "of", "during", "about", "between",
)  # fmt: skip
# Words that end a noun phrase read backwards from ", X" (a verb, preposition or clause):
# rag/answer/who_is.py.
PHRASE_BREAKS = frozenset(
    {*PREPOSITIONS, "and", "or", "but", "that", "which", "who", "met", "than", "as", "is"}
    | {SAY[S_FORM], SAY[PAST], TELL[PAST], "was", "are", "were", "be", "been"}
)
# Words any sentence may open with, besides the stop words (rag/text/names.py).
OPENERS = ("yes", "according", "both", "also")

# ---------------------------------------------------------------- asking about documents

# What a question calls a document ("Summarize the article"): rag/answer/route.py routes
# by them, rag/answer/summary.py does not look for them in titles.
DOCUMENT_WORDS = (
    "article", "document", "doc", "text", "story", "piece", "report", "file", "page",
    "paper", "essay", "passage",
)  # fmt: skip
# "The main points", "in three sentences", "Who is mentioned?": route.py and summary.py, as
# above (route.py also reads "cited" and "discussed" as MENTIONED; summary.py never has).
KEY = ("main", "central", "key")
POINTS = ("idea", "point", "takeaway", "argument", "finding", "theme")
COUNT_UNITS = ("sentence", "point", "bullet", "line")
MENTIONED = ("mentioned", "named", "quoted")
# What a question calls a part of a document ("Which section covers ...?"):
# rag/answer/section.py answers with the heading above the sentence that covers it.
# Not "part" or "article": "Which part of Flask handles routing?" asks for a component.
PART_WORDS = ("section", "subsection", "chapter", "clause", "paragraph", "heading", "appendix")

# What a question calls the kind of thing a reference page defines ("the audio group",
# "the --verbose option", "the indent parameter"): the word before one is the term asked
# about, for rag/verify/term.py.
TERM_KINDS = (
    "group", "user", "account", "option", "flag", "switch", "function", "method", "class",
    "module", "parameter", "argument", "variable", "attribute", "field", "command", "key",
    "setting", "package", "directive", "property", "event", "type", "keyword", "macro",
    "constant", "exception", "hook", "signal", "filter", "tag", "element", "header",
)  # fmt: skip

# Words of a sentence that talks about the sources instead of the subject ("The answer is
# in passage [1]."): with nothing else in it, rag/verify/cite.py does not take it for a claim.
SOURCE_TALK = (
    "answer", "passage", "document", "question", "mentioned", "stated", "found", "given",
    "provided", "according", "based", "see", "refer",
)  # fmt: skip

# What introduces an example in a question ("a non-Python file such as a YAML config"):
# the name after it illustrates the question, it is not what the question is about, so
# rag/text/names.asked_names leaves it out.
EXAMPLE_MARKERS = ("such as", "like", "e.g.", "for example", "for instance", "including")
