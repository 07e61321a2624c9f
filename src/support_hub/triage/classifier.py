"""The distress triage: one inbound text in, a level with its reasons out (DESIGN §7).

Pure functions over the word lists in lexicon.py: no Flask, no database, no clock. It only labels;
what to answer and whom to page is decided by the callers.

Order of decisions (DESIGN §7 and issue 7; where they are silent, the choice is said here):
1. Words of self-harm or of a medical emergency make it URGENT, whatever number came with them
   ("2 but I want to die"). Self-harm wins the ``kind`` when both fire, because its reply already
   names 911 for immediate danger; ``concerns`` keeps both.
2. Otherwise the signals for ELEVATED: asking for a person, a new or worse symptom, caregiver
   strain, emotional distress, a Distress Thermometer score of 4-10. ``kind`` is the first of
   talk > symptom > caregiver > emotional > distress_score that fired; ``reasons`` lists them all.
3. A denied crisis word ("not suicidal, just tired", "no quiero morir") is never urgent, but it is
   ELEVATED (kind emotional): someone who brings suicide up unprompted should hear from a person
   today, not be paged tonight. Denied symptoms ("no chest pain") count for nothing; staff still
   see them among the reasons.
4. Safety nets: words of death, despair, a plea for help or pain that no specific rule understood
   make a message ELEVATED, never ROUTINE (held-out rounds showed the lists miss new phrasings).
5. Everything else is ROUTINE; a score of 0-3 is given as the reason when there is one.
6. Last, the learned net (net.py) may RAISE what the rules gave, never lower it: to URGENT when its
   urgent score passes its threshold (the reply is chosen by its self-harm score, both replies
   when it cannot tell), or a ROUTINE message to ELEVATED (kind "learned"). Its score is the
   first reason. It ignores numbers and one-word texts: those are the rules' alone.

Laughter ("laughed so hard I couldn't breathe", "jajaja") cancels breathing words and emotional
words in its sentence, never words of self-harm: "I want to die lol" is urgent, and a person
decides whether it was a joke. A number is a score when a check-in awaits one, or when the text
plainly rates distress ("distress 8", "I'm at a 7/10"); ranges and decimals count at their higher
end ("6-7" is 7, "7.5" is 8); a rating after a pain word rates pain (a symptom when 4 or more).
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from support_hub.triage import net
from support_hub.triage.lexicon import LEXICONS, SMALL_TALK_WORDS, Lexicon, Rule


class Level(enum.Enum):
    """How soon a person must see the message: URGENT (page now) > ELEVATED (today) > ROUTINE."""

    URGENT = "urgent"
    ELEVATED = "elevated"
    ROUTINE = "routine"

    @property
    def rank(self) -> int:
        """Severity: higher is more urgent, for sorting queues and comparing levels."""
        return _RANK[self]


_RANK = {Level.ROUTINE: 0, Level.ELEVATED: 1, Level.URGENT: 2}


class Concern(enum.Enum):
    """Every signal that fired, for callers that pick replies per concern (the SMS front door)."""

    SELF_HARM = "self_harm"
    MEDICAL = "medical"
    DISTRESS = "distress"
    ASKS_FOR_PERSON = "asks_for_person"


@dataclass(frozen=True)
class Triage:
    """The classifier's answer. ``kind`` says which rule decided the level (see module doc)."""

    level: Level
    reasons: tuple[str, ...] = ()
    score: int | None = None
    kind: str | None = None
    concerns: frozenset[Concern] = field(default_factory=frozenset)


# Elevated kinds, most specific first: the one a person reaching out should lead with.
_ELEVATED_KINDS = ("talk", "symptom", "caregiver", "emotional", "distress_score")
_SIGNAL_TO_KIND = {
    "talk": "talk",
    "symptom": "symptom",
    "caregiver_strain": "caregiver",
    "emotional": "emotional",
}
_SIGNAL_TO_CONCERN = {
    "self_harm": Concern.SELF_HARM,
    "medical": Concern.MEDICAL,
    "talk": Concern.ASKS_FOR_PERSON,
}


# ---------------------------------------------------------------------------------------------
# Normalising: the patterns are written for this form only (see lexicon.py's docstring).

_LAUGH_EMOJI = re.compile("[\U0001f602\U0001f923\U0001f606\U0001f639]")
_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4\u02bc]")
_ELONGATED = re.compile(r"([a-z])\1{2,}")
_DOUBLED = re.compile(r"([aeiou])\1")  # vowels only: "scarred" must stay "scarred"
_CLOCK_TIME = re.compile(r"\b\d{1,2}[:h]\d{2}\b")  # "2:30" is a time, never a score
_NUMBER_RANGE = re.compile(r"(\d)\s*[-\u2013]\s*(\d)")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+|[.!?;\n]+|[,:\-\u2013\u2014()]+|/")
_SENTENCE_PUNCT = frozenset(".!?;\n")


def _all_words(lexicons: Iterable[Lexicon]) -> frozenset[str]:
    words: set[str] = set()
    for lex in lexicons:
        for rule in lex.rules:
            for pattern in rule.patterns:
                words.update(re.findall(r"[a-z]{3,}", pattern))
        pairs = [part for _, first, second in lex.medical_pairs for part in (first, second)]
        for group in (lex.despair, lex.plan_or_means, lex.caring_for, lex.carer_strain, *pairs):
            for pattern in group:
                words.update(re.findall(r"[a-z]{3,}", pattern))
        words.update(lex.spellings.values())
        words.update(lex.number_words)
    return frozenset(words)


_LEXICONS = tuple(LEXICONS.values())
_VOCABULARY = _all_words(_LEXICONS)
_SPELLINGS = {k: v for lex in _LEXICONS for k, v in lex.spellings.items()}
_REWRITES = tuple((re.compile(a), b) for lex in _LEXICONS for a, b in lex.rewrites)


_FUZZY_TARGETS = tuple(dict.fromkeys(t for lex in _LEXICONS for t in lex.fuzzy_targets))


def _one_edit_apart(a: str, b: str) -> bool:
    """One substitution, insertion, deletion, or swap of neighbours turns a into b."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and (a[diff[1]] == b[diff[0]])
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    return short[i:] == long_[i + 1 :]


@lru_cache(maxsize=8192)
def _fuzzy(word: str) -> str:
    if len(word) < 6 or word in _VOCABULARY or (word[-1] == "s" and word[:-1] in _VOCABULARY):
        return word
    for target in _FUZZY_TARGETS:
        if target[0] == word[0] and _one_edit_apart(word, target):
            return target
    return word


def _repair(word: str) -> str:
    """Undo stretched letters ("diiie" -> "die") and rewrite known misspellings."""
    if _ELONGATED.search(word):
        word = _ELONGATED.sub(r"\1\1", word)
        if word not in _VOCABULARY and word not in _SPELLINGS:
            single = re.sub(r"([a-z])\1", r"\1", word)
            if single in _VOCABULARY or single in _SPELLINGS:
                word = single
    word = _SPELLINGS.get(word, word)
    if word not in _VOCABULARY and _DOUBLED.search(word):
        # One doubled vowel too many ("diee", "moriir"): only when that lands on a key word.
        single = _DOUBLED.sub(r"\1", word)
        if single in _VOCABULARY:
            word = single
    word = _fuzzy(word)
    # Dropped g's: "thinkin of killin myself" -> "thinking of killing myself".
    if (
        len(word) > 4
        and word.endswith("in")
        and word not in _VOCABULARY
        and word + "g" in _VOCABULARY
    ):
        word += "g"
    return word


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Lower-case, accent-free, repaired words with punctuation reduced to ``,`` and ``.``."""
    text = unicodedata.normalize("NFKC", text)
    text = _LAUGH_EMOJI.sub(" haha ", text)
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _APOSTROPHES.sub("", text)
    text = _CLOCK_TIME.sub(" time ", text)
    text = _NUMBER_RANGE.sub(r"\1 to \2", text)
    words: list[str] = []
    for raw in _TOKEN.findall(text):
        if raw[0] in _SENTENCE_PUNCT:
            word = "."
        elif raw[0] in ",:-\u2013\u2014()":
            word = ","
        elif raw[0].isalpha():
            word = _repair(raw)
        else:
            word = raw
        if word in (".", ",") and (not words or words[-1] in (".", ",")):
            if words and word == ".":
                words[-1] = "."
            continue
        words.append(word)
    joined = " ".join(words)
    for pattern, replacement in _REWRITES:
        joined = pattern.sub(replacement, joined)
    return joined.strip(" ,.")


# ---------------------------------------------------------------------------------------------
# Matching words


def _compile(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b")


@dataclass(frozen=True)
class _CompiledRule:
    rule: Rule
    lexicon: Lexicon
    regex: re.Pattern[str]


@dataclass(frozen=True)
class _CompiledLexicon:
    lexicon: Lexicon
    rules: tuple[_CompiledRule, ...]
    despair: re.Pattern[str]
    plan_or_means: re.Pattern[str]
    caring_for: re.Pattern[str]
    carer_strain: re.Pattern[str]
    medical_pairs: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]
    denials_after: re.Pattern[str]
    improvement: re.Pattern[str]
    improvement_negated: re.Pattern[str]
    laughter: re.Pattern[str]
    distress_words: re.Pattern[str]
    pain_words: re.Pattern[str]


def _compile_lexicon(lex: Lexicon) -> _CompiledLexicon:
    return _CompiledLexicon(
        lexicon=lex,
        rules=tuple(_CompiledRule(r, lex, _compile(r.patterns)) for r in lex.rules),
        despair=_compile(lex.despair),
        plan_or_means=_compile(lex.plan_or_means),
        caring_for=_compile(lex.caring_for),
        carer_strain=_compile(lex.carer_strain),
        medical_pairs=tuple(
            (label, _compile(first), _compile(second)) for label, first, second in lex.medical_pairs
        ),
        denials_after=_compile(lex.denials_after),
        improvement=_compile(lex.improvement),
        improvement_negated=_compile(lex.improvement_negated),
        laughter=_compile(lex.laughter),
        distress_words=_compile(lex.distress_words),
        pain_words=_compile(lex.pain_words),
    )


_COMPILED = {code: _compile_lexicon(lex) for code, lex in LEXICONS.items()}


def _in_order(language: str) -> tuple[_CompiledLexicon, ...]:
    """Both languages, the person's own first (it only orders the reasons)."""
    first = _COMPILED.get(language)
    rest = tuple(c for code, c in _COMPILED.items() if code != language)
    return (first, *rest) if first is not None else rest


@dataclass(frozen=True)
class _Hit:
    signal: str
    label: str
    phrase: str
    negated: bool = False
    start: int = 0
    end: int = 0
    safety_net: bool = False


_COORDINATORS = frozenset({"or", "and", "nor", "o", "y", "ni", ", or", ", and", ","})


def _sentence(norm: str, start: int, end: int) -> str:
    left = norm.rfind(" . ", 0, start)
    right = norm.find(" . ", end)
    return norm[left + 3 if left >= 0 else 0 : right if right >= 0 else len(norm)]


@dataclass(frozen=True)
class _Negation:
    """Negation words of every language; the person's language decides which are weak ("no")."""

    negators: frozenset[str]
    weak_negators: frozenset[str]
    fillers: frozenset[str]
    weak_fillers: frozenset[str]
    clause_breaks: frozenset[str]


@lru_cache(maxsize=8)
def _negation_for(language: str) -> _Negation:
    own = LEXICONS.get(language, LEXICONS["en"])
    return _Negation(
        negators=frozenset().union(*(lex.negators for lex in _LEXICONS)) - own.weak_negators,
        weak_negators=own.weak_negators,
        fillers=frozenset().union(*(lex.negation_fillers for lex in _LEXICONS)),
        weak_fillers=own.weak_negation_fillers,
        clause_breaks=frozenset().union(*(lex.clause_breaks for lex in _LEXICONS)),
    )


def _is_negated(norm: str, start: int, negation: _Negation) -> bool:
    """A negator just before the match, with only filler words between ("not going to ...")."""
    skipped_strong_filler = False
    # Only the last few words matter; rsplit with a limit keeps long messages linear.
    for count, token in enumerate(reversed(norm[:start].rsplit(maxsplit=6)[-6:])):
        if token in (",", ".") or token in negation.clause_breaks or count > 4:
            return False
        if token in negation.weak_negators:
            return not skipped_strong_filler
        if token in negation.negators:
            return True
        if token in negation.weak_fillers:
            continue
        if token in negation.fillers:
            skipped_strong_filler = True
            continue
        return False
    return False


def _improves_after(norm: str, end: int, compiled: _CompiledLexicon) -> bool:
    """'my cough is finally gone': an improvement within a few words after, same clause."""
    after: list[str] = []
    for token in norm[end : end + 160].split()[:7]:
        if token in (",", ".") or token in compiled.lexicon.clause_breaks:
            break
        after.append(token)
    window = " ".join(after)
    return bool(
        compiled.improvement.search(window) and not compiled.improvement_negated.search(window)
    )


def _scan(norm: str, language: str) -> list[_Hit]:
    hits: list[_Hit] = []
    negation = _negation_for(language)
    seen: set[tuple[str, int, int]] = set()
    for compiled in _in_order(language):
        for crule in compiled.rules:
            rule = crule.rule
            for match in crule.regex.finditer(norm):
                # The same words caught by both languages' lists count once.
                key = (rule.signal, match.start(), match.end())
                if key in seen:
                    continue
                seen.add(key)
                if rule.laughter_cancels and _laughs(norm, match.start(), match.end()):
                    continue
                if rule.improvement_cancels and _improves_after(norm, match.end(), compiled):
                    continue
                negated = _is_negated(norm, match.start(), negation)
                if not negated and rule.signal == "self_harm":
                    rest = norm[match.end() : match.end() + 240]
                    sentence_rest = rest.split(" . ", 1)[0]
                    negated = bool(compiled.denials_after.search(sentence_rest))
                hit = _Hit(rule.signal, rule.label, match.group(0), negated, *match.span())
                hits.append(dataclasses.replace(hit, safety_net=rule.safety_net))
        despair = compiled.despair.search(norm)
        means = compiled.plan_or_means.search(norm)
        if despair and means:
            hits.append(
                _Hit(
                    "self_harm",
                    "despair with a plan or means",
                    f"{despair.group(0)} + {means.group(0)}",
                )
            )
        caring = compiled.caring_for.search(norm)
        strain = compiled.carer_strain.search(norm)
        if caring and strain:
            phrase = f"{caring.group(0)} + {strain.group(0)}"
            hits.append(_Hit("caregiver_strain", "caregiver strain", phrase))
        for label, first, second in compiled.medical_pairs:
            sign = next(
                (
                    m
                    for m in first.finditer(norm)
                    if not _is_negated(norm, m.start(), negation)
                    and not _improves_after(norm, m.end(), compiled)
                ),
                None,
            )
            context = second.search(norm) if sign else None
            if sign and context and not _is_negated(norm, context.start(), negation):
                hits.append(_Hit("medical", label, f"{sign.group(0)} + {context.group(0)}"))
    understood = [(h.start, h.end) for h in hits if not h.safety_net and h.end > h.start]
    hits = [
        h
        for h in hits
        if not h.safety_net or not any(a < h.end and h.start < b for a, b in understood)
    ]
    return _spread_negation(norm, hits)


def _spread_negation(norm: str, hits: list[_Hit]) -> list[_Hit]:
    """'no headaches or dizziness': a negation carries across 'or'/'and'/'nor' to the next term."""
    spread: list[_Hit] = []
    previous: _Hit | None = None
    for hit in sorted(hits, key=lambda h: h.start):
        if (
            not hit.negated
            and previous is not None
            and previous.negated
            and norm[previous.end : hit.start].strip() in _COORDINATORS
        ):
            hit = dataclasses.replace(hit, negated=True)
        spread.append(hit)
        if previous is None or hit.end >= previous.end:
            previous = hit
    return spread


def _laughs(norm: str, start: int, end: int) -> bool:
    """A laugh in the same sentence: 'laughed so hard I couldn't breathe'."""
    sentence = _sentence(norm, start, end)
    return any(c.laughter.search(sentence) for c in _COMPILED.values())


# ---------------------------------------------------------------------------------------------
# Distress Thermometer scores and pain ratings

_DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
_NUMBER_WORDS = {w: n for lex in _LEXICONS for w, n in lex.number_words.items()}
_RATING_BEFORE = frozenset().union(*(lex.rating_before for lex in _LEXICONS))
_FOLLOWERS = frozenset().union(*(lex.score_followers for lex in _LEXICONS))
_UNITS = frozenset().union(*(lex.units for lex in _LEXICONS))
_SELF_WORDS = frozenset().union(*(lex.self_words for lex in _LEXICONS))
_RANGE_JOINERS = frozenset({"to", "or", "and", "y", "o", "a"})
_OUT_OF = (("/", "10"), ("out", "of"), ("de", "10"), ("de", "diez"), ("sobre", "10"))


def _number(token: str) -> int | None:
    if token in _NUMBER_WORDS:
        return _NUMBER_WORDS[token]
    if _DIGITS.fullmatch(token):
        value = math.ceil(float(token.replace(",", ".")))
        return value if 0 <= value <= 10 and not (len(token) > 1 and token[0] == "0") else None
    return None


def _out_of_ten(tokens: list[str], i: int) -> bool:
    nxt = tuple(tokens[i + 1 : i + 3])
    if nxt in _OUT_OF[:1] or nxt in _OUT_OF[2:]:
        return True
    return nxt == ("out", "of") and tokens[i + 3 : i + 4] in (["10"], ["ten"])


@dataclass(frozen=True)
class _Rating:
    value: int
    is_pain: bool


def _ratings(norm: str, awaiting_score: bool) -> list[_Rating]:
    """Every number that reads as a 0-10 rating, with whether it rates pain instead of distress."""
    tokens = norm.split()
    found: list[_Rating] = []
    candidate_at: set[int] = set()
    denominators: set[int] = set()
    about_self = bool(_SELF_WORDS.intersection(tokens))
    for i, token in enumerate(tokens):
        value = _number(token)
        if value is None or i in denominators:
            continue
        prev = tokens[i - 1] if i > 0 else None
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        out_of_ten = _out_of_ten(tokens, i)
        if out_of_ten:
            denominators.update(range(i + 1, i + 4))
        if nxt in _UNITS and not out_of_ten:
            continue
        is_word = not token[0].isdigit()
        # "pain is about a 7" rates pain, not distress: a pain word just before, same clause.
        before: list[str] = []
        for word in reversed(tokens[max(0, i - 4) : i]):
            if word in (",", "."):
                break
            before.append(word)
        is_pain = any(c.pain_words.search(" ".join(before)) for c in _COMPILED.values())
        framed = prev in _RATING_BEFORE and nxt != "of"
        ends_or_follows = nxt is None or nxt in (",", ".", "/") or nxt in _FOLLOWERS
        ranged = prev in _RANGE_JOINERS and (i - 2) in candidate_at
        if awaiting_score or is_pain:
            if is_word:
                ok = out_of_ten or framed or ranged or (i == 0 and ends_or_follows)
            else:
                ok = out_of_ten or framed or ranged or ends_or_follows or i == 0
        else:
            named = any(
                c.distress_words.search(" ".join(tokens[max(0, i - 4) : i]))
                for c in _COMPILED.values()
            )
            ok = (out_of_ten and about_self) or (named and (framed or ends_or_follows))
        if ok:
            candidate_at.add(i)
            found.append(_Rating(value, is_pain))
    return found


# ---------------------------------------------------------------------------------------------
# The decision


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def classify(text: str, language: str = "en", awaiting_score: bool = False) -> Triage:
    """The level of one inbound message, with the words or score that decided it."""
    return classify_with(net.load(), text, language, awaiting_score)


def classify_with(
    learned: net.Net | None, text: str, language: str = "en", awaiting_score: bool = False
) -> Triage:
    """``classify`` with a given net (the training script measures nets it has not committed)."""
    result = classify_rules(text, language, awaiting_score)
    if result.level is Level.URGENT:
        return result
    norm = normalise(text or "")
    if learned is None or sum(w.isalpha() for w in norm.split()) < net.MIN_WORDS:
        return result
    return _raise_by_net(result, norm, learned)


def _raise_by_net(result: Triage, norm: str, learned: net.Net) -> Triage:
    """The learned safety net may raise a level, never lower one; its score is a reason."""
    urgent, person, self_harm = learned.scores(norm)
    if urgent >= learned.urgent_threshold:
        # Which reply: self-harm (988 + 911) or medical (911/care team). When the net cannot
        # tell, both: a person in danger reads one text too many rather than the wrong one.
        concerns = set(result.concerns)
        if self_harm >= 0.3:
            concerns.add(Concern.SELF_HARM)
        if self_harm <= 0.7:
            concerns.add(Concern.MEDICAL)
        kind = "self_harm" if Concern.SELF_HARM in concerns else "medical"
        reason = f"learned safety net: urgent score {urgent:.2f}"
        return Triage(
            Level.URGENT, (reason, *result.reasons), result.score, kind, frozenset(concerns)
        )
    if result.level is Level.ROUTINE and person >= learned.person_threshold:
        reason = f"learned safety net: reach-a-person score {person:.2f}"
        concerns = frozenset({*result.concerns, Concern.DISTRESS})
        return Triage(Level.ELEVATED, (reason, *result.reasons), result.score, "learned", concerns)
    return result


def classify_rules(text: str, language: str = "en", awaiting_score: bool = False) -> Triage:
    """The word lists' answer alone (what the learned net is trained beside)."""
    norm = normalise(text or "")
    hits = _scan(norm, language)
    ratings = _ratings(norm, awaiting_score)
    distress = [r.value for r in ratings if not r.is_pain]
    score = max(distress) if distress else None
    pain = max((r.value for r in ratings if r.is_pain), default=None)

    live = [h for h in hits if not h.negated]
    denied = [h for h in hits if h.negated]
    concerns = {_SIGNAL_TO_CONCERN.get(h.signal, Concern.DISTRESS) for h in live}
    score_reason = (f"distress score {score}",) if score is not None else ()

    urgent = [h for h in live if h.signal in ("self_harm", "medical")]
    if urgent:
        kind = "self_harm" if any(h.signal == "self_harm" for h in urgent) else "medical"
        reasons = [f"{h.label}: '{h.phrase}'" for h in urgent]
        reasons += [f"{h.label}: '{h.phrase}'" for h in live if h not in urgent]
        return Triage(
            Level.URGENT, _unique([*reasons, *score_reason]), score, kind, frozenset(concerns)
        )

    kinds: dict[str, list[str]] = {}
    for h in live:
        kinds.setdefault(_SIGNAL_TO_KIND[h.signal], []).append(f"{h.label}: '{h.phrase}'")
    for h in denied:
        if h.signal == "self_harm":
            kinds.setdefault("emotional", []).append(
                f"denied self-harm words (not urgent): '{h.phrase}'"
            )
            concerns.add(Concern.DISTRESS)
    if pain is not None and pain >= 4:
        kinds.setdefault("symptom", []).append(f"pain rated {pain}")
        concerns.add(Concern.DISTRESS)
    if score is not None and score >= 4:
        kinds.setdefault("distress_score", []).extend(score_reason)
        concerns.add(Concern.DISTRESS)
    if kinds:
        kind = next(k for k in _ELEVATED_KINDS if k in kinds)
        reasons = [r for k in _ELEVATED_KINDS for r in kinds.get(k, ())]
        return Triage(
            Level.ELEVATED, _unique([*reasons, *score_reason]), score, kind, frozenset(concerns)
        )

    notes = [f"not counted (denied): '{h.phrase}'" for h in denied]
    return Triage(Level.ROUTINE, _unique([*score_reason, *notes]), score, None, frozenset())


def is_small_talk(text: str) -> bool:
    """True for greetings, thanks and "doing fine" texts that need no person (any language).

    Only whole texts made of `lexicon.SMALL_TALK_WORDS` (or emoji and punctuation alone) count,
    and only short ones: one word outside the list and a person reads it.
    """
    words = normalise(text).split()
    return len(words) <= 15 and all(word in SMALL_TALK_WORDS for word in words)
