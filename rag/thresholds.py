"""Tuned numbers that are not user settings, each with the data it was chosen on.

What a user may change is a setting (rag/settings.py, docs/configuration.md); these are
the numbers inside the checks and writers. "Not tuned: a design choice" says that no
other value was tried on data; where one was, the data set is named, and
docs/how-answers-work.md has the measurements. Each number says which module reads it.
"""

# ---------------------------------------------------------------- the verifier's judge

# p(yes) a tier's judge must give for a sentence to be stated (rag/models/catalogue.py;
# RAG_VERIFY_THRESHOLD overrides). Chosen on evals/datasets/claims by one rule, the
# highest p(yes) that keeps recall at 0.85 or more; HaluEval was only checked.
JUDGE_QWEN_15B = 0.8
JUDGE_QWEN_05B = 0.26
# Share of a sentence's content words a passage must hold, for the ``overlap`` tier, which
# has no judge, and for the shared-words test the evaluation reports beside the verifier.
# Not tuned: the test this project used before it had a judge.
OVERLAP_SHARE = 0.6

# ---------------------------------------------------------------- exact checks (rag/verify/)

# rag/verify/verifier.py, names: stems this long may start one another and still name the
# same thing ("Russia" / "Russian"). Not tuned: a design choice.
KIN_STEM_LETTERS = 4
# rag/verify/verifier.py, names and polarity: a condition restated from the question is
# left out of the claim they read when at least this many of its words are the
# question's ("if you don't give one"). Not tuned: a design choice.
ASKED_CONDITION_WORDS = 4
# rag/verify/verifier.py, names: an acronym may be the initials of this many capitalised
# words ("US" / "United States"). Not tuned: a design choice.
ACRONYM_WORDS = (2, 3, 4)
# rag/verify/verifier.py, polarity: words after a passage's negation searched for the word
# it negates ("doesn't even keep a plan"). Not tuned: a design choice.
NEGATION_REACH = 4
# rag/verify/verifier.py, polarity: words (without the prefix) this long may be negated by
# a prefix ("reasonable" / "unreasonable"). Not tuned: a design choice.
PREFIXED_LETTERS = 5
# rag/verify/verifier.py, wording: a look-alike word has at least this many letters
# ("could" / "would" are left to the judge) and this difflib likeness. Chosen on one
# squad2-open answer read from PDF ("qualitative" for "quantitative", which the judge
# passed); checked to fire on no case of evals/datasets/claims or HaluEval.
LOOKALIKE_LETTERS = 6
LOOKALIKE_RATIO = 0.75

# rag/verify/attribution.py: share of a sentence's content words that come from a
# quotation (or from what a "she said" frames) for the sentence to repeat it. Not tuned: a
# design choice; what the checks built on it fire on was counted on the seed set, the
# claims set, HaluEval and squad2-open before they shipped.
QUOTED_SHARE = 0.7
# rag/verify/attribution.py: fewer content words than this in a sentence, or in a
# quotation, and it is not read as repeating one. Not tuned: a design choice.
MIN_CLAIM_TERMS = 3
MIN_QUOTE_TERMS = 4
# rag/verify/attribution.py: words before and after a speech verb read for its speaker, in
# a sentence ("Witkoff said") and in a passage ("..., said Sergei Markov, an analyst"),
# and for a pronoun that speaks ("she said"). Not tuned: a design choice.
CLAIM_SPEAKER_WORDS = (3, 3)
PASSAGE_SPEAKER_WORDS = (8, 4)
PRONOUN_SPEAKER_WORDS = (2, 1)

# rag/verify/roles.py, role swap: the passage's two names may stand this many words
# further apart than the sentence's, with this share of the sentence's words between
# them. Not tuned: a design choice.
ROLE_GAP = 8
ROLE_SHARE = 0.6
# rag/verify/roles.py, subject: words between a verb ("wants") and its infinitive ("to
# return") that may still belong to it. Not tuned: a design choice.
INFINITIVE_REACH = 20
# rag/verify/roles.py, said not did: the verb within this many words after a name
# ("Ushakov had conveyed"); the name within this many words before the passage's verb;
# the speaker within this many words before it ("Ushakov said Mr. Putin had conveyed").
# Not tuned: a design choice.
VERB_REACH = 2
ACTOR_REACH = 4
REPORTER_REACH = 12

# rag/verify/cite.py: passages a sentence cites that are tried alone before all it cites
# together. Not tuned: a design choice.
CITED_ALONE = 2
# rag/verify/cite.py: uncited passages sharing most words with a sentence that its own
# citations do not state, tried next. Replayed over the stored pallets-docs and
# python-docs reports with RAG_SUPPORT 0.3: two found 3 right answers, one found 2; none
# let an unanswerable question's claim through (docs/how-answers-work.md).
RECITED = 2

# ---------------------------------------------------------------- text, retrieval

# rag/text/sentences.py: a line this long that a capital follows is a wrapped one, not a
# title. Not tuned: a design choice.
WRAP_WIDTH = 60
# rag/index/retrieve.py: passages each ranking (dense, BM25) offers the fusion. Not tuned:
# a design choice.
CANDIDATES = 40
# rag/index/quantize.py: cosine the int8 build must keep with the shipped model on the
# probe sentences, or it is refused. Not tuned: a design choice, between per-tensor int8
# (0.935) and per-channel (0.994, the build made).
MIN_PROBE_COSINE = 0.98
# rag/answer/evidence.py: the weight of a sentence's window (it and its neighbours) in its
# rank, against the sentence alone. Chosen leave-one-set-out over seed, squad2-open,
# pallets-docs, python-docs, pdf-manual and licenses (0.3, 0.5, 0.7, and the window's
# share of question words 0 or 0.5, with RAG_CONTEXT_TOKENS 150): every fold picked 0.5
# for both, so one number serves (docs/how-answers-work.md, "What the model reads").
WINDOW_SHARE = 0.5
# rag/answer/evidence.py: the best sentences whose next sentence in the paragraph is read
# right after them. Chosen leave-one-set-out on gold in context over six sets (0 to 3, with
# RAG_CONTEXT_TOKENS 175): five folds picked 1 (docs/how-answers-work.md, "What the model
# reads").
FOLLOWED = 1
# rag/answer/evidence.py: at least this many characters of the source before a sentence
# are read for who "he" is and for the code it describes (a function's description opens
# a chunk whose signature ends the chunk before); evals/systems.py grades citations with
# as much. Not tuned: about one chunk of prose.
BEFORE_CHARS = 400

# rag/ingest/ocr.py: a scanned page is rendered at this resolution for OCR (what scanners
# and the scans of the OCR benchmark use), and a gap between two lines wider than this
# many line heights starts a new paragraph. Not tuned: design choices
# (docs/documents.md has the error rate they give).
OCR_DPI = 200
OCR_PARAGRAPH_GAP = 0.8
# A PDF table's cells, as pypdf's layout mode prints the page, line up: two cells are in
# one column when their first or last characters are at most this many columns apart
# (numbers are often right-aligned). Not tuned: a design choice (docs/documents.md).
PDF_TABLE_ALIGN = 2
# rag/ingest/headings.py: a heading longer than this many characters is read by the model
# and the judge without its parameter lists (a signature heading its description).
# Chosen on python-docs' prompts (docs/how-answers-work.md, "What the model reads").
HEADING_CHARS = 40

# ---------------------------------------------------------------- writers (rag/answer/)

# rag/answer/route.py: words that may name which document between "what is" and "about"
# ("What is part 1 of the report about?"), and the most sentences a question may ask
# for ("in seven sentences"). Not tuned: a design choice.
DOCUMENT_NAME_WORDS = 8
MAX_ASKED_SENTENCES = 7
# rag/answer/summary.py: a long document is summarised from its first sentences, this
# many; maximal marginal relevance weighs centrality this much against likeness to the
# sentences already picked; a sentence of fewer words does not stand for a document; "Who
# is mentioned?" lists at most this many people. Not tuned: a design choice (the
# summaries were checked on the seed article and two squad2-open articles).
MAX_SENTENCES = 400
REDUNDANCY = 0.7
PROSE_WORDS = 6
# A summary's sentence is prose: more than this share of its words without a letter or
# digit ("|", "///", "^^^^") marks a code line or a compiler's diagnostic, which rustdoc's
# lints page had put in its summary. Not tuned (docs/how-answers-work.md, summaries).
PROSE_SYMBOLS = 0.2
PEOPLE_LISTED = 8
# rag/answer/who_is.py: a name asked about has at most this many words ("Who is the
# president of Ukraine?" asks about no one), and the most words of a phrase set before
# ", X" read as describing X. Not tuned: a design choice.
NAME_WORDS = 4
APPOSITIVE_WORDS = 8
# rag/answer/section.py: a sentence this short is no evidence of the section it sits in
# (a table of contents' "The phony rule" sat under the page's first heading). Not tuned:
# a design choice; every sentence that answered a section question had 15 or more words.
SECTION_SENTENCE_WORDS = 5
# rag/answer/chat.py: a question this short ("Since when?", "Why?") leans on the one
# before; the model rewrites a follow-up in at most this many tokens. Not tuned: a
# design choice.
SHORT_QUESTION_WORDS = 3
REWRITE_TOKENS = 60
# rag/answer/choose.py: a sentence this share of whose content words an earlier one said
# is a repeat. Not tuned: a design choice.
REPEAT_SHARE = 0.8
# rag/answer/pipeline.py: the closest passages an abstention lists, as not answering;
# rag/answer/summary.py: sentences a summary quotes unless the question asks for more;
# rag/answer/chat.py: earlier turns the follow-up rewrite reads. Not tuned: design choices.
RELATED = 2
SUMMARY_SENTENCES = 3
CHAT_TURNS = 4
