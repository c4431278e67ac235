"""Can the coach read this? Empty input, emoji only, binary junk and answers not in
English get a kind notice instead of a STAR analysis. English is told apart by the
share of common English function words, which needs no model."""

from __future__ import annotations

import re

EMPTY = (
    "I didn't find an answer to read. Write your story in a few sentences and I'll send "
    "feedback."
)
NO_WORDS = (
    "I only see emoji or symbols here 🙂 Tell your story in words (what happened, what you "
    "did, how it ended) and I'll send feedback."
)
CODE_ONLY = (
    "I only see code here. Tell the story around it in words (the situation, what you did "
    "and how it ended) and I'll send feedback."
)
NO_SENTENCES = (
    "I couldn't find any sentences to read. Write your story in a few sentences (what "
    "happened, what you did, how it ended) and I'll send feedback."
)
JUNK = (
    "This doesn't look like text I can read (it seems to be binary data). "
    "Paste your answer as plain text and I'll take a look."
)
NOT_ENGLISH = (
    "The coach reads English only for now, and this answer doesn't look like English. "
    "Could you post it in English? Then I can check its STAR structure."
)

_WORD = re.compile(r"[^\W\d_]+")
_PUNCTUATION = str.maketrans(dict.fromkeys(".,;:!?()[]{}\"“”«»¿¡", " "))
_NON_ASCII_LETTER = re.compile(r"[^\W\d_a-zA-Z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_ENGLISH = frozenset(
    "the a an and or but so to of in on at for with from by as is was were be been are "
    "i me my we our us you your he she it its they them their this that these those "
    "had have has did do does not no then when what which who how after before about "
    "into out up over all also just very more most than there here would will can could "
    "should".split()
)
# Function words of other common languages (none of them English words), so a terse
# English answer without function words ("Migrated DB. Cut latency 40%.") still counts.
_FOREIGN = frozenset(
    "de en la mi el los las del que y un una es por con para su al lo como más pero sus ya este "
    "porque esta entre cuando muy sin sobre también hasta hay donde desde todo nos "
    "durante todos les ni contra otros ese eso ellos esto yo otro otra él mucho nada "
    "le les des du et est qui dans pour pas sur avec il elle nous vous je ne se plus "
    "par mais ou sa ses été était avons j'ai der das und ist nicht ich wir sie ein "
    "eine mit auf für von zu den dem im wurde haben hatte auch não uma com os da em "
    "foi eu nós che di non per sono gli nel della ho abbiamo het een zijn niet dat "
    "voor ik wij ze".split()
)


def unreadable_reason(text: str) -> str | None:
    """A notice when ``text`` cannot be analyzed, else None. Judges by the opening of
    the text, so the cost does not grow with the answer."""
    if not text or text.isspace():
        return EMPTY
    sample = text[:500]
    # Fast path for ordinary text: printable once line breaks and tabs are set aside.
    printable = sample.replace("\n", "").replace("\t", "").replace("\r", "").isprintable()
    if not printable and len(_CONTROL.findall(sample)) > max(2, len(sample) // 50):
        return JUNK
    if not _WORD.search(text):
        return NO_WORDS
    if not sample.isascii():
        letters = sum(map(len, _WORD.findall(sample)))
        foreign_letters = len(_NON_ASCII_LETTER.findall(sample))
        if foreign_letters > letters * 0.5:
            return NOT_ENGLISH
    words = sample[:300].lower().translate(_PUNCTUATION).split()
    if _FOREIGN.isdisjoint(words):
        return None  # the usual case: not one foreign function word
    unique = set(words)
    english = len(unique & _ENGLISH)
    foreign = len(unique & _FOREIGN)
    if foreign >= 3 and foreign > 2 * english:
        return NOT_ENGLISH
    return None
