"""Cue phrases an interviewer hears in each STAR part, written from general knowledge of
how people tell work stories (not taken from any answer set). Each group becomes a
feature ``cue:<group>`` (and ``cue:<group>:2`` for two or more hits); the classifier
learns how much each group says about each part.

Phrases are lower case, one or two words, matched on whole words.
"""

from __future__ import annotations

CUES: dict[str, tuple[str, ...]] = {
    # Situation: when and where, who I was, what was going on, what was wrong.
    "sit_context": (
        "my previous", "my last", "previous company",
        "previous job", "previous role", "last job", "first job", "last year",
        "last spring", "last summer", "last fall", "last winter", "last quarter",
        "years ago", "few years", "back in", "when i", "was working", "worked at",
        "worked as", "i was", "i'm a", "am a",
        "i joined", "the time", "that time", "working as", "while back", "once",
        "context", "background", "company", "startup", "agency", "hospital", "school",
    ),
    "sit_problem": (
        "the problem", "the issue", "the challenge", "problem", "issue", "struggling",
        "failing", "complaining", "complaints", "broken", "slow", "behind", "kept",
        "keeps", "outage", "outages", "incident", "bug", "backlog", "churn", "risk",
        "angry", "frustrated", "unhappy", "threatening", "losing", "missing", "stuck",
        "messy", "mess", "manual", "legacy", "nobody", "no one", "wasn't", "weren't",
        "didn't work", "couldn't", "too long", "too slow", "pain", "confusing",
    ),
    "sit_state": (
        "there was", "there were", "we had", "they had", "had been", "was running",
        "were running", "was growing", "was taking", "were taking", "was about",
        "was using", "were using", "used to", "every week", "every month", "every day",
        "the start", "our team", "team was", "our biggest", "of our",
    ),
    # Task: what I was responsible for, the goal, the ask.
    "task_own": (
        "my task", "my job", "my goal", "my role", "my responsibility", "responsible",
        "responsibility", "tasked", "assigned", "in charge", "to me", "on me",
        "fell to", "i owned", "my objective", "my mandate", "my remit", "owner",
        "ownership", "charged with", "was given", "was my", "my call",
    ),
    "task_need": (
        "needed to", "had to", "wanted to", "was to", "were to", "asked me", "asked to",
        "supposed to", "expected to", "volunteered", "decided to", "set out",
        "manager asked", "the ask", "i offered", "make sure", "ensure", "figure out",
        "get it", "needed", "challenge was", "question was", "had two", "had one",
        "on me", "the one", "took it", "wasn't my", "not my", "nobody asked", "it fell",
        "my bug", "my job", "goal for", "aim was", "i needed", "we needed", "had to",
    ),
    "task_target": (
        "goal", "goals", "target", "objective", "deadline", "quota", "before the",
        "end of", "within", "time for", "without", "weeks away", "days away",
        "months away", "due", "launch date", "go-live",
    ),
    # Action: the steps I took.
    "act_step": (
        "first", "first i", "then", "then i", "next", "next i", "after that", "so i",
        "i also", "i started", "i began", "do that", "to fix", "meanwhile",
        "in parallel", "i personally", "step", "instead of", "once i", "from there",
        "same time", "i then", "i decided", "i chose",
    ),
    "act_verb": (
        "i built", "i wrote", "i created", "i set", "i proposed", "i met", "i talked",
        "i spoke", "i reached", "i scheduled", "i organized", "i analyzed", "i dug",
        "i investigated", "i ran", "i led", "i designed", "i implemented", "i automated",
        "i asked", "i called", "i pulled", "i drafted", "i presented", "i convinced",
        "i negotiated", "i prioritized", "i broke", "i escalated", "i rolled", "i added",
        "i paired", "i interviewed", "i gathered", "i mapped", "i rewrote", "i refactored",
        "i tested", "i shipped", "i deployed", "i documented", "i sat", "i went", "i made",
        "i brought", "i put", "i got", "i took", "i kept", "i sent", "i showed",
        "i walked", "i pushed", "i replaced", "i split", "i moved", "i introduced",
        "i suggested", "i explained", "i listened", "i focused", "i traced", "i reviewed",
        "i compared", "i measured", "i booked", "i offered", "i coordinated",
        "i migrated", "i fixed", "i tracked", "i used", "i spent", "i cut", "i removed",
        "i hired", "i coached", "i mentored", "i shared", "i agreed", "i flagged",
        "i raised", "i held", "i trained", "i taught", "i worked", "i partnered",
        "i looked", "i checked", "i found", "i noticed", "i tried",
        "i gave", "i told", "i invited", "i recruited", "i pitched", "i created",
        "i cleaned", "i simplified", "i combined", "i prototyped", "i piloted",
    ),
    "act_collab": (
        "worked with", "partnered with", "met with", "talked to", "spoke with",
        "reached out", "sat down", "walked through", "pulled in", "buy-in",
        "aligned", "brought in", "set up", "on one", "1:1", "a meeting",
        "a call", "a doc", "a proposal", "a plan", "a prototype", "a script", "a dashboard",
    ),
    # Result: what changed, with numbers; recognition.
    "res_marker": (
        "a result", "the result", "result was", "the end", "ultimately",
        "eventually", "outcome", "led to", "resulted in",
        "afterwards", "weeks later", "months later", "month later", "week later",
        "later", "since then", "that quarter", "that year", "next quarter",
        "end result", "in total", "overall", "the impact", "impact",
    ),
    "res_change": (
        "dropped", "fell", "rose", "grew", "reduced", "increased", "improved", "saved",
        "went from", "went down", "went up", "cut", "doubled", "halved", "tripled",
        "lowered", "raised", "climbed", "declined", "shrank", "jumped", "faster",
        "fewer", "less", "more than", "percent", "%", "down to", "up to", "from",
        "reduction", "increase", "improvement", "savings", "zero", "no more", "none",
    ),
    "res_outcome": (
        "shipped", "launched", "delivered", "renewed", "signed", "adopted", "passed",
        "succeeded", "success", "resolved", "stopped", "disappeared", "on time",
        "on schedule", "met the", "hit", "exceeded", "beat", "closed", "won", "finished",
        "completed", "worked", "went live", "is still", "are still", "still", "now",
        "became", "ended up", "was able", "were able", "didn't lose", "never", "kept",
        "stayed", "returned", "came back", "retained", "made it", "on budget",
        "went live", "rolled out", "no longer", "never again", "still use", "still uses",
        "became standard", "the standard", "which meant", "this meant", "that meant",
        "so now", "following month", "following quarter", "next month", "next year",
        "ended at", "ended with", "turned out", "paid off", "got through", "all of",
    ),
    "res_recognition": (
        "praised", "thanked", "promoted", "recognized", "recognised", "award", "bonus",
        "shout-out", "shoutout", "kudos", "a note", "an email", "happy", "thrilled",
        "grateful", "reference", "feedback", "the customer", "the client", "my manager",
    ),
    # Learning: what I took from it and what I do now.
    "learn_marker": (
        "i learned", "i learnt", "learned", "learnt", "i've learned", "taught me",
        "lesson", "lessons", "next time", "in hindsight", "looking back", "in retrospect",
        "i realized", "i realised", "realized", "takeaway", "takeaways", "reminded me",
        "showed me", "it taught", "biggest lesson", "i carry",
        "differently", "would have", "should have", "could have",
        "again",
    ),
    "learn_habit": (
        "i now", "now i", "since then", "i always", "i still", "going forward",
        "then on", "ever since", "these days", "today i", "now always", "habit",
        "try to", "i make", "tend to", "i default", "my rule", "of thumb",
        "you", "your", "people", "always", "never", "best way", "the key", "matters",
        "it's", "is that", "isn't",
    ),
    # Other: greetings, meta remarks, tangents.
    "other_meta": (
        "great question", "good question", "thanks", "thank you", "hi", "hello", "hey",
        "hope this", "me tell", "story", "here's", "here is", "that's it", "that's my",
        "tl;dr", "happy to", "anyway", "so yeah", "sure", "okay", "ok", "question",
        "an example", "welcome", "cheers", "lol", "haha", "ha", "please", "i'll share",
        "me share", "go with", "i'll talk", "the way", "fun fact", "honestly",
        "funny", "i remember", "bear with", "long story", "side note", "another story",
        "i love", "one from", "to mind", "have one", "this one",
    ),
}
