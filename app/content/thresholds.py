"""Every threshold the content rules use, in one place, each with the reason for its value.

Change a number here, not in the rule that reads it; docs/CONTENT.md explains the rules to writers.
"""
from __future__ import annotations

# --- item writing (issue 14) -------------------------------------------------------------------

# A quiz file fails when its correct option is the longest (or tied longest) in more than this
# share of its single-answer questions. With four options a fair file has the right answer longest
# about a quarter of the time; 40% leaves room for a small file (2 of 5 passes, 3 of 5 does not)
# while the review's 54 of 66 (82%) fails clearly.
LONGEST_CORRECT_MAX_SHARE = 0.40

# A module's true/false answers fail when more than this share go one way. The review found 19 of
# 29 "False" (66%), which "always answer False" exploits. An odd number of items cannot split
# evenly, so a split that is off by one (2-1, 3-2) always passes: it is as balanced as it can be.
TRUE_FALSE_MAX_SHARE = 0.65

# --- close paraphrase of the source documents (issue 15) --------------------------------------

# Only sentences of at least this many words are compared: shorter ones are mostly statute
# titles, headings and stock phrases that any writer would word the same way.
PARAPHRASE_MIN_WORDS = 10

# A sentence "closely paraphrases" a source sentence when their shared wording is at least this
# (0-100: the rarity-weighted share of words they have in common in the same order, see
# originality.Seeds). Measured: the sentences the review names as close paraphrases score 60-87,
# while 19 sentences written independently from the same facts score 2-52
# (tests/unit/test_originality.py holds both sets). On the course as the review saw it, 160 sentences
# reach 55; the review counted 147 by its own measure.
PARAPHRASE_SENTENCE_SCORE = 55

# A passage "follows a source passage sentence by sentence" when at least PARAPHRASE_PASSAGE_SENTENCES
# of our sentences, each no more than PARAPHRASE_PASSAGE_SPAN sentences after the last, match
# source sentences that come in the same order in one document, each no more than
# PARAPHRASE_SEED_SPAN sentences after the last, with every match scoring at least
# PARAPHRASE_PASSAGE_SCORE. This catches the review's worst case (is-it-good-enough.md:55-85
# against seeds/001:882-900: nine sentences in order, scoring 35-65), which no single-sentence
# limit can catch without also failing independent writing. Writing about the same topic in our
# own order and words rarely makes a chain of five.
PARAPHRASE_PASSAGE_SCORE = 35
PARAPHRASE_PASSAGE_SENTENCES = 5
PARAPHRASE_PASSAGE_SPAN = 10
PARAPHRASE_SEED_SPAN = 12
