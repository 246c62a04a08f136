"""The legal errors the November 2026 content review found must not come back (issue 15).

The review (../shared/reviews/content-review-2026-11.md) found six critical errors (A1-A6) and a
list of outdated or overstated facts (B1-B31) that different modules stated in different ways, so
that the course contradicted itself. Each is written here as a pattern over the sentences a member
reads: module text, checklist text, quiz explanations, feedback and right answers, scenario text,
choices, feedback and debriefs, and the wording of the seven principles. A sentence that matches a
claim's `unless` pattern is one that explains the old error ("the 2013 resource said ...") and is
let through. Wrong quiz options are not read: a distractor is meant to hold a misconception, and
its feedback (which is read) must correct it.

Each claim carries sentences it must catch and sentences it must let through, which the tests run
first, so that a pattern that stops matching, or starts catching the correction, fails here too.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from app.content import yamlsource
from app.content.blocks import CITE, Block, course_files, file_blocks, iter_sentences, plain_text
from app.content.citations import names_law

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Claim:
    ref: str                     # the review item
    what: str                    # the wrong claim in words, for the failure message
    pattern: str
    unless: str | None = None    # a matching sentence that also matches this explains the error
    catches: tuple[str, ...] = ()
    lets_through: tuple[str, ...] = ()

    def found_in(self, sentence: str) -> bool:
        if not _compiled(self.pattern).search(sentence):
            return False
        return not (self.unless and _compiled(self.unless).search(sentence))


@functools.lru_cache(maxsize=None)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.I | re.S)


CLAIMS = [
    # --- (a) the six critical errors ------------------------------------------------------------
    Claim("A1", "a homeless 16- or 17-year-old is owed little more than advice and assistance",
          r"\b(little|nothing) more than advice and assistance\b"
          r"|\b(owed?|owes|duty (to them )?(was|is))\b[^.]{0,40}\b(only|just|no more than|narrow)\b[^.]{0,20}"
          r"advice and assistance",
          unless=r"ask which law|when (you are )?told|before 2009|that was the law|was the law as|"
                 r"is wrong|was wrong|\bmyth\b|mistake|misread|old guide",
          catches=("The council's legal duty to them was narrow: little more than advice and assistance.",
                   "Such young people did not qualify for leaving care support, so the council owed them "
                   "little more than advice and assistance.",
                   "The council owes her only advice and assistance, as she was not in care before 16."),
          lets_through=("When told the council's duty is \"only advice and assistance\", ask which law says so.",
                        "That was the law as some councils read it before 2009.")),
    Claim("A1", "a young person not in care before 16 cannot qualify for leaving-care support",
          r"\b(not|never)\s(been\s)?(in care|looked after) before (their|his|her|the) 16th birthday\b[^.]{0,120}"
          r"\b(did not|do not|does not|cannot|could not|can't) qualify"
          r"|\b(only|must have been) (looked after|in care) before (their|his|her|the|turning) 16(th birthday)?\b"
          r"[^.]{0,60}\b(qualif\w*|leaving.care|eligible)",
          unless=r"mistake|myth|wrong|old guide|before 2009|2013 (guide|resource|pack)",
          catches=("Such young people had not been in care before their 16th birthday, so they did not "
                   "qualify for leaving care support.",),
          lets_through=("Time in care before 16 is not required, and most homeless 16- and 17-year-olds "
                        "should be offered section 20 accommodation.",
                        "Nothing requires any of those weeks to come before the 16th birthday.")),
    Claim("A1", "looking after homeless 16- and 17-year-olds goes beyond what the law requires",
          r"\b(beyond|more than) (what )?the law (requires|required)\b[^.]{0,80}\bhomeless"
          r"|\bhomeless\b[^.]{0,120}\b(even where|even though|although|though) the law does not require",
          unless=r"choose not to be looked after|chose not|turn(ed|s)? (it )?down|refus",
          catches=("Trafford offered the full service to homeless young people, even where the law does "
                   "not require it.",),
          lets_through=("Trafford's offer remains good practice for the group the law gives least: young "
                        "people who choose not to be looked after.",)),
    Claim("A2", "exempting care leavers under 25 from a local connection or residence rule is a choice",
          r"\bexempt(ing|s)? care leavers\b[^.]{0,80}\b(local connection|residen\w*|(two|three|five)[- ]year\w*"
          r"|\d+ years?'? (rule|residence))"
          r"|\b(may|can|could|choose to|chooses to)\b[^.]{0,30}\b(exempt|disapply|waive)\b[^.]{0,40}\bcare leavers\b"
          r"[^.]{0,60}\b(local connection|residen\w*)",
          unless=r"may not|must not|cannot|no longer|(the )?law (now )?requires|required by law|"
                 r"not a (choice|local option)|now the law|since 10 July 2025|more widely|beyond 25|over 25",
          catches=("Exempt care leavers under 25 from the five-year rule.",
                   "I move an amendment to exempt care leavers from the residence test.",
                   "The council can choose to exempt care leavers under 25 from its local connection test."),
          lets_through=("It also asks councils to think about exempting care leavers more widely from local "
                        "connection rules, for example beyond 25.",
                        "No law requires councils to exempt care leavers from council tax.")),
    Claim("A3", "governors vote on, decide or defer a pupil's exclusion",
          r"\bI vote to exclude\b"
          r"|\bgovern(ors?|ing (board|body))\b[^.]{0,60}\b(vote|votes|voted|voting|decide|decides|decided)\b"
          r"[^.]{0,40}\b(to exclude|exclu\w+|suspen\w+)"
          r"|\bgovernors back a (short )?suspension\b"
          r"|\b(ask|asks|asked) (the )?governors to (defer|decide)\b",
          unless=r"\b(not|cannot|can't|no|never|isn't)\b|only (the|a) head|head teacher alone|reinstat\w*",
          catches=("Governors will vote on whether to exclude him next week.", "I vote to exclude.",
                   "Governors back a short suspension.", "I ask governors to defer the decision."),
          lets_through=("Governors do not vote on it beforehand.",
                        "The governing board must decide whether to reinstate the excluded pupil.")),
    Claim("A3", "an excluded pupil's education starts at once rather than from the sixth school day",
          r"\b(education|schooling|teaching|alternative provision)\b[^.]{0,80}"
          r"\b(at once|straight away|immediately|right away|from day one|from the (very )?(first|next) day)\b"
          r"|\b(at once|straight away|immediately|right away)\b[^.]{0,40}\b(education|alternative provision|schooling)\b",
          unless=r"sixth|6th|\"(immediately|at once)\"|\bsaid\b|used to|instead of",
          catches=("Other education must be arranged at once.",
                   "The council must provide his education straight away after an exclusion."),
          lets_through=("Second, the resource said other education must start \"immediately\".",
                        "From the sixth school day the child must have suitable full-time education.")),
    Claim("A3", "the host council provides a placed child's education while he lives in its area",
          r"\b(your|the|our) council provides (his|her|their) education\b",
          catches=("Your council provides his education while he lives in your area.",),
          lets_through=("The school educates him; the placing council's virtual school head promotes his "
                        "education.",)),
    Claim("A4", "principle (f) is to keep children safe, not to have regard to the need for them to be safe",
          r"\bkeep (them|children|young people|children and young people) safe,? and give them stability\b"
          r"|(principle|\(f\))[^.]{0,60}\bkeep(s|ing)? (them|children|young people|children and young people) safe\b"
          r"|\bkeep(s|ing)? (them|children|young people|children and young people) safe\b[^.]{0,80}\bprinciples?\b",
          unless=r"\bnot (a |an )?(promise|guarantee|duty)|not \"keep|rather than|instead of|isn't|wrong",
          catches=("Keep them safe, and give them stability at home, in their relationships, and in school, "
                   "college or work.",
                   "(f) Keep them safe and give them stability",
                   "Principle (f) says the council must keep them safe.",
                   "Keeping children safe is one of the seven corporate parenting principles.",
                   "Keeping children safe and giving them stability is one of the principles the whole "
                   "council must have regard to."),
          lets_through=("Principle (f) is to have regard to the need for them to be safe, not a promise to "
                        "keep them safe.",
                        "Some children are rightly placed away: to keep them safe, to break links with a gang.")),
    Claim("A5", "the council is corporate parent to children in kinship care generally, or under an SGO "
                "or child arrangements order",
          r"\bincludes?\b[^.]{0,140}\bkinship care with (relatives|family) or friends\b"
          r"|\bcorporate parent\w*\b[^.]{0,100}\b(children|a child|those|them)\b[^.]{0,15}"
          r"\b(in (informal )?kinship care|with relatives|under (a |an )?(special guardianship order|SGO|"
          r"child arrangements order))"
          r"|\b(special guardianship orders?|SGOs?|child arrangements orders?)\b[^.]{0,60}"
          r"\b(stay|stays|remain|remains|are still|is still|continue to be) looked after",
          unless=r"\b(not|only where|only when|only if|unless|except|no longer)\b|n't",
          catches=("That includes foster homes, a children's home, secure children's homes and kinship care "
                   "with relatives or friends.",
                   "The council is the corporate parent of children under a special guardianship order.",
                   "A child under a special guardianship order remains looked after."),
          lets_through=("The council is corporate parent only where the child is looked after, for example "
                        "placed with a relative approved as a foster carer.",
                        "Children living with relatives informally, or under a special guardianship order or "
                        "child arrangements order, are not looked after.")),
    Claim("A6", "age assessment is the Home Office's job, not the council's",
          r"\bage\b[^.]{0,50}\b(questions?|assessments?|disputes?|decisions?)\b[^.]{0,30}\b(are|is)\b[^.]{0,10}"
          r"\b(for|a matter for|decided by|the job of|up to|the responsibility of)\b[^.]{0,10}\bthe Home Office\b"
          r"|\bthe Home Office\b[^.]{0,30}\b(decides|assesses|determines|settles)\b[^.]{0,25}\bage\b",
          unless=r"\b(not|isn't|refer\w*|National Age Assessment Board)\b",
          catches=("Age and immigration questions are for the Home Office and the officers working with it.",
                   "The Home Office decides the child's age."),
          lets_through=("Age is assessed by the council's social workers, who may refer to the Home Office's "
                        "National Age Assessment Board.",
                        "Whether the young person may stay in the UK is for the Home Office.")),

    # --- (b) outdated, overstated or unsupported facts ----------------------------------------------
    Claim("B1", "the ban on placing under-16s in unregulated accommodation dates from October 2023",
          r"\A(?=.*\bOctober 2023\b)(?=.*\b(under[- ]16s?|under the age of 16|younger than 16)\b)",
          unless=r"\b2021\b",
          catches=("Since October 2023, providers must be registered with Ofsted and children under 16 may "
                   "not be placed there.",),
          lets_through=("Since 9 September 2021 a council may not place a child under 16 there; since "
                        "28 October 2023 providers for 16- and 17-year-olds must register.",)),
    Claim("B2", "the 'not in touch' figure for care leavers aged 22 and over shows councils losing touch",
          r"\A(?=.*\b(aged 2[2-5]|2[2-5]-year-olds?|2[2-5] to 2[45])\b)(?=.*\b(lost touch|lose touch|losing touch|"
          r"no longer in touch)\b)",
          unless=r"\b(asked|request\w*|need not mean|does not mean|doesn't mean|not mean|mostly shows|over-?read\w*|warns)\b",
          catches=("Exampleshire had lost touch with half of its 22-year-old care leavers.",
                   "The council cannot help a young person it has lost touch with: 42% of care leavers aged "
                   "22 were not in touch."),
          lets_through=("A high share need not mean the council has lost touch with 22-year-olds; it may mean "
                        "many have not asked.",)),
    Claim("B3", "every young person in care must have a pathway plan within three months of turning 16",
          r"\b(have|has|prepare[ds]?|complete[ds]?|draw up|drawn up|write|written|agree[ds]?|produce[ds]?)\b"
          r"[^.]{0,20}\b(a |the |their |her |his )?pathway plan\b[^.]{0,40}\bwithin three months\b"
          r"|\bpathway plan (must|should) be (prepared|completed|in place|done|written|agreed)\b[^.]{0,30}"
          r"\bwithin three months"
          r"|\bevery (young person|child|16-year-old) in care (must|should|will) have a pathway plan",
          catches=("Every young person in care must have a pathway plan within three months of turning 16.",),
          lets_through=("Is every eligible young person's needs assessment done within three months of their "
                        "16th birthday, and do young people say their pathway plan is theirs?",)),
    Claim("B4", "Staying Put applies when the council thinks it right (the statutory test reversed)",
          r"\bwhen the council (thinks|considers|decides|judges) (it|this|that)( is)? (right|appropriate|best|suitable)\b"
          r"|\bstaying put\b[^.]{0,120}\b(if|when|where|only if) the council (thinks|considers|decides|agrees|judges)\b"
          r"[^.]{0,30}\b(right|appropriate|best|suitable)\b",
          unless=r"\bunless\b|not consistent",
          catches=("Young people can stay with former foster carers to 21 under Staying Put, when the council "
                   "thinks it right and both sides want it.",),
          lets_through=("The council must monitor and support it unless it considers the arrangement not "
                        "consistent with her welfare.",)),
    Claim("B5", "every council, district councils included, must have a director and a lead member",
          r"\bevery council\b[^.]{0,30}\bmust have both\b"
          r"|\b(every|all|each) councils?\b[^.]{0,40}\b(must|has to|have to) (have|appoint)\b[^.]{0,40}"
          r"\b(director of children's services|lead member)",
          unless=r"children's services authorit|with children's services|district councils (do not|don't|are not)",
          catches=("Every council must have both posts.",
                   "Every council must appoint a director of children's services and a lead member."),
          lets_through=("Every council with children's services must appoint a director of children's services.",)),
    Claim("B6", "a councillor cannot be a children's home's independent (Regulation 44) visitor",
          r"\bpart of the management line\b"
          r"|\bcouncillors?\b[^.]{0,60}\b(cannot|can't|can not|may not|must not|could not|(is|are) not allowed to)\b"
          r"[^.]{0,15}\bbe\b[^.]{0,30}\b(independent (person|visitor)|regulation 44 visitor|reg 44 visitor)",
          unless=r"\b(commission\w*|pays?|paying|fund\w*|financ\w*|lead member|responsible for|links?|"
                 r"impartial\w*|just for being|by itself|on (its|their) own|simply)\b",
          catches=("A councillor is part of the management line, so cannot be that independent visitor.",
                   "Councillors cannot be the independent person."),
          lets_through=("A councillor who commissions or funds the home's places cannot be the independent person.",)),
    Claim("B7", "statutory guidance may be departed from only for an 'exceptional' reason",
          r"\bexceptional (reason|circumstances?)\b",
          catches=("A council must follow it unless there is an exceptional reason.",),
          lets_through=("It may depart from it only for a good reason, properly considered.",)),
    Claim("B8", "nobody has yet issued guidance on criminalising children in care (the 2018 protocol exists)",
          r"\bcalled for national guidance on recording offences\b",
          unless=r"\bprotocol\b",
          catches=("An independent review of residential care in 2016 called for national guidance on "
                   "recording offences.",)),
    # The review found a 2022 share stated as the current one. The 2025 release's share could not be
    # confirmed when the course was checked, so the course gives the latest share it could check
    # with the date it describes; any share given without that date is the old error.
    Claim("B10", "a share of children in care by main reason (abuse or neglect) given without its year",
          r"\b\d{1,2}%[^.]{0,80}\babuse or neglect|\babuse or neglect\b[^.]{0,80}\b\d{1,2}%",
          unless=r"\b(19|20)\d\d\b",
          catches=("Abuse or neglect was the main reason for 66% of children in care.",
                   "Abuse or neglect is the main reason for 65% of children in care."),
          lets_through=("At 31 March 2022, abuse or neglect was the main reason for 66% of children in care.",)),
    Claim("B11", "about 60% of children in care were under a court order (a 2012 figure)",
          r"\b60%[^.]{0,80}\b(court|care) orders?\b|\b(court|care) orders?\b[^.]{0,80}\b60%",
          catches=("In the year to March 2012, about 60% of children in care were under a court order.",)),
    Claim("B12", "the £1,200 16 to 19 bursary was only 'the 2013 arrangements'",
          r"\b(those|these) were the 2013 arrangements\b",
          catches=("Those were the 2013 arrangements; the lesson still applies.",)),
    Claim("B15", "an Ofsted rating from 2019 presented as current ('one of only two councils')",
          r"\bone of (only )?two (English )?councils\b",
          unless=r"\b(20\d\d|at the time|then)\b",
          catches=("Hampshire was one of only two councils in England to achieve outstanding in every area.",),
          lets_through=("In 2019 Hampshire was one of only two councils rated outstanding in every area.",)),
    Claim("B17", "every committee must consider children in care (good practice stated as law)",
          r"\b(every|all) committees? must\b",
          catches=("Every committee must think about children in care.",)),
    Claim("B18", "care leavers must never be placed in bed and breakfast (the guidance says should not)",
          r"\bnever be placed in bed and breakfast\b",
          catches=("Care leavers should never be placed in bed and breakfast.",)),
    Claim("B19", "every child in care has a legal right to an advocate (the right is for complaints)",
          r"\bevery child in care has (the|a) (legal )?right to an advocate\b",
          unless=r"complain\w*|representation",
          catches=("Every child in care has the right to an advocate.",)),
    Claim("B21", "care leavers aged 22 to 25 are owed support; the duties end at the 25th birthday (22 to 24)",
          r"\baged (21|22) to 25\b|\b(21|22) to 25-year-olds?\b|\bat 19, 21 and 25\b",
          unless=r"\b(DfE|Department for Education|national (data|figures)|figures|data|statistic\w*|now 22|reporting)\b",
          catches=("How many care leavers aged 22 to 25 have asked for a personal adviser?",
                   "The council keeps in touch at 19, 21 and 25."),
          lets_through=("That caution applies to the figures for care leavers aged 22 to 25.",
                        "How many care leavers aged 21 to 24 have asked for a personal adviser?",
                        "Every care leaver has one until 21, and one from 21 to 25 if they ask.")),
    Claim("B22", "Gloucestershire's ambassadors train all councillors (the source says they were due to)",
          r"\b(ambassadors|they)\b[^.]{0,80}\btrain(s|ed)? (all|every) councillors?\b",
          unless=r"\b(due to|were to|will|going to|planned)\b",
          catches=("Gloucestershire's ambassadors train all councillors on their role.",
                   "They train all councillors on their role as corporate parents."),
          lets_through=("They were also due to train every councillor on the corporate parenting role.",)),
    Claim("B23", "the Children Act 1989 gives every child a general right to be heard",
          r"\bChildren Act 1989\b[^.]{0,60}\bgives? every child (the|a) right to be heard",
          catches=("Both the Children Act 1989 and the UNCRC give every child the right to be heard.",)),
    Claim("B24", "a child in care gets top admission priority even when the school is full",
          r"\b(highest|top) priority\b[^.]{0,100}\beven (when|if) (the school|it) is full",
          unless=r"\bdirect\w*",
          catches=("Children in care get top priority for a school place, even when the school is full.",)),
    Claim("B26", "England has 42 integrated care boards (true in 2022; mergers began in April 2026)",
          r"\b42 (integrated care boards|ICBs)\b",
          unless=r"\b(created|replaced|took over|were|was|originally|at first|from 42|before|when)\b",
          catches=("England's 42 integrated care boards commission health services.",
                   "Since 1 July 2022, 42 ICBs have done this job in England."),
          lets_through=("The Health and Care Act 2022 created the 42 ICBs; mergers began in April 2026.",)),
    Claim("B27", "integrated care boards arrange children's health assessments (the council must arrange them)",
          r"\b(integrated care boards|ICBs)\b[^.]{0,40}\b(commission|arrange)(ed|s)?\b[^.]{0,15}"
          r"\b(these|the|each child's|children's)?\s?(health )?assessments\b",
          unless=r"council (must )?arrange|council's (job|duty)",
          catches=("Since July 2022, integrated care boards have commissioned these assessments.",),
          lets_through=("The council arranges the checks; the NHS carries them out.",)),
]


# --- reading the course -------------------------------------------------------------------------

@dataclass(frozen=True)
class Sentence:
    where: str     # path:line
    kind: str
    text: str


def _quiz_questions(path: Path) -> list[dict]:
    data = yamlsource.load(path.read_bytes().decode("utf-8-sig"))
    questions = data.get("questions") if isinstance(data, dict) else None
    return [q for q in questions or [] if isinstance(q, dict)]


def _answer(option: dict) -> bool:
    return option.get("correct") is True


def _unread_quiz_blocks(path: Path) -> tuple[set[tuple[str, str]], set[str]]:
    """(question id, option text) of every wrong option, and the ids of questions whose prompt is
    a question rather than a statement the course makes (every prompt but a true/false one whose
    answer is True)."""
    wrong, question_prompts = set(), set()
    for q in _quiz_questions(path):
        qid = str(q.get("id", ""))
        options = [o for o in q.get("options") or [] if isinstance(o, dict)]
        wrong |= {(qid, " ".join(str(o.get("text", "")).split())) for o in options if not _answer(o)}
        says_true = q.get("type") == "true_false" and any(
            _answer(o) and str(o.get("text")).strip() == "True" for o in options)
        if not says_true:
            question_prompts.add(qid)
    return wrong, question_prompts


def _read_blocks(path: Path, display: str) -> list[Block]:
    found = file_blocks(path, display)
    if path.parent.name != "quizzes":
        return found
    wrong, question_prompts = _unread_quiz_blocks(path)
    return [b for b in found
            if not (b.kind == "quiz-option" and (b.label, " ".join(b.text.split())) in wrong)
            and not (b.kind == "quiz-prompt" and b.label in question_prompts)]


def _principle_sentences(root: Path) -> Iterator[Sentence]:
    path = root / "content" / "principles.yaml"
    if not path.exists():
        return
    data = yamlsource.load(path.read_bytes().decode("utf-8-sig"))
    for item in data or []:
        if isinstance(item, dict):
            for key in ("short", "text", "plain"):
                if isinstance(item.get(key), str):
                    yield Sentence(f"content/principles.yaml:{item.line_of(key)}", f"principle-{key}",
                                   plain_text(item[key]))


def course_sentences(root: Path) -> Iterator[Sentence]:
    for path in course_files(root):
        display = path.relative_to(root).as_posix()
        for block in _read_blocks(path, display):
            for line, sentence in iter_sentences(block):
                yield Sentence(f"{display}:{line}", block.kind, sentence)
    yield from _principle_sentences(root)


def old_claims(root: Path) -> list[str]:
    """Every sentence in the course that makes one of the review's old claims, as path:line."""
    problems = []
    for sentence in course_sentences(root):
        for claim in CLAIMS:
            if claim.found_in(sentence.text):
                problems.append(f"{sentence.where}: {claim.ref}: says {claim.what}: \"{sentence.text}\"")
    return problems


def research_note_citations(root: Path) -> list[str]:
    """law-update-2026 is a research note learners cannot check: it may not be the citation for a
    statement of law, nor a quiz question's source."""
    problems = []
    for path in course_files(root):
        display = path.relative_to(root).as_posix()
        if path.parent.name == "quizzes":
            raw = path.read_bytes().decode("utf-8-sig")
            for number, line in enumerate(raw.split("\n"), start=1):
                if re.match(r"\s*source:\s*['\"]?law-update-2026\b", line):
                    problems.append(f"{display}:{number}: B29: a quiz question's source is the research "
                                    "note law-update-2026; cite the Act, regulations or guidance")
        for block in file_blocks(path, display):
            for match in CITE.finditer(block.text):
                if match.group(1) == "law-update-2026" and names_law(block.text):
                    problems.append(f"{display}:{block.line_at(match.start())}: B29: a statement of law "
                                    f"({names_law(block.text)!r}) cites the research note law-update-2026")
    return problems


# Points that could not be confirmed against primary sources as at November 2026 (LAW.md, the
# review's "What I could not verify", and the content QA pass): a quiz may mention them, but no
# right answer may rest on them.
UNCONFIRMED = [
    ("the 2026 Act's corporate parenting duties on other public bodies (sections and list not confirmed)",
     r"\bother public bodies\b|\brelevant authorit(y|ies)\b|\bYouth Justice Board\b|\bCare Quality Commission\b"),
    ("the number of integrated care boards now (mergers from April 2026)",
     r"\b\d{2} (integrated care boards|ICBs)\b"),
    ("the share of children looked after with an EHC plan, and of all pupils (not confirmed)",
     r"\b29 ?%|\b4\.7 ?%"),
    ("a national share of care leavers aged 19 to 21 in touch in 2025 (not confirmed)",
     r"\A(?=.*\b(19 to 21|19-21|aged 19)\b)(?=.*\b\d{2}%)(?!.*\b(Exampleshire|Demo County|illustrative|2013|Dunshire)\b)"),
]


def assessed_unconfirmed_points(root: Path) -> list[str]:
    problems = []
    for path in sorted((root / "quizzes").glob("*.yaml")):
        if path.name == "assessment.yaml":
            continue
        display = path.relative_to(root).as_posix()
        for q in _quiz_questions(path):
            options = [o for o in q.get("options") or [] if isinstance(o, dict)]
            right = [str(o.get("text", "")) for o in options if _answer(o)]
            if q.get("type") == "true_false":
                right = [str(q.get("prompt", ""))] if right == ["True"] else []
            for text in right:
                for topic, pattern in UNCONFIRMED:
                    if re.search(pattern, plain_text(text), re.I | re.S):
                        problems.append(f"{display}:{q.line}: question {q.get('id')!r} rests its answer "
                                        f"on {topic}")
    return problems


# --- the tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("claim", CLAIMS, ids=[f"{c.ref}-{i}" for i, c in enumerate(CLAIMS)])
def test_each_pattern_catches_the_old_claim_and_lets_the_correction_through(claim):
    assert claim.catches, f"{claim.ref} has no example of the claim it is meant to catch"
    for sentence in claim.catches:
        assert claim.found_in(sentence), f"{claim.ref} misses its own example: {sentence!r}"
    for sentence in claim.lets_through:
        assert not claim.found_in(sentence), f"{claim.ref} catches a correct sentence: {sentence!r}"


def test_the_scan_reads_the_whole_course():
    files = course_files(ROOT)
    assert len([f for f in files if f.suffix == ".md"]) >= 16
    assert len([f for f in files if f.parent.name == "quizzes"]) >= 15
    assert len([f for f in files if f.parent.name == "scenarios"]) >= 13
    kinds = {s.kind for s in course_sentences(ROOT)}
    assert {"paragraph", "quiz-explanation", "quiz-feedback", "scenario-choice", "scenario-key-point",
            "principle-text"} <= kinds


def test_no_module_quiz_or_scenario_repeats_an_old_claim():
    problems = old_claims(ROOT)
    assert not problems, "The review's old claims are back:\n" + "\n".join(problems)


def test_the_research_note_is_never_the_citation_for_the_law():
    problems = research_note_citations(ROOT)
    assert not problems, "\n".join(problems)


def test_no_quiz_answer_rests_on_an_unconfirmed_point():
    problems = assessed_unconfirmed_points(ROOT)
    assert not problems, "\n".join(problems)


# --- the scan on a planted course, so that a failure names the right file and line --------------

def _plant(root: Path) -> None:
    (root / "content").mkdir()
    (root / "quizzes").mkdir()
    (root / "scenarios").mkdir()
    (root / "content" / "module.md").write_text(
        "---\nid: module\n---\n\n"
        "Homeless young people are children first.\n\n"
        "Those not in care before 16 are different. The council owed them little more than advice and "
        "assistance.\n\n"
        "When told the council's duty is \"only advice and assistance\", ask which law says so.\n",
        encoding="utf-8")
    (root / "content" / "principles.yaml").write_text(
        "- key: safe-and-stable\n  letter: f\n  short: Safety and stability\n"
        "  text: Keep them safe, and give them stability at home.\n", encoding="utf-8")
    (root / "quizzes" / "module.yaml").write_text(
        "module: module\nquestions:\n"
        "  - id: q1\n    type: single\n    prompt: Who decides age?\n    options:\n"
        "      - text: The Home Office decides the child's age\n"
        "        feedback: No. The council assesses age.\n"
        "      - text: The council\n        correct: true\n        feedback: Right.\n"
        "    explanation: >\n      The council assesses age. Since the Act, every council must have both posts.\n"
        "    source: law-update-2026\n"
        "  - id: q2\n    type: true_false\n    prompt: England has 42 integrated care boards.\n    options:\n"
        "      - text: \"True\"\n        correct: true\n        feedback: Right.\n"
        "      - text: \"False\"\n        feedback: No.\n"
        "    explanation: Check which one covers your area.\n    source: hca-2022\n",
        encoding="utf-8")
    (root / "scenarios" / "housing.yaml").write_text(
        "id: housing\nnodes:\n  start:\n    text: |\n      The draft has a five-year residence rule.\n"
        "    choices:\n      - label: Exempt care leavers under 25 from the five-year rule.\n"
        "        next: end\n        feedback: The committee agrees.\n", encoding="utf-8")


def test_a_planted_course_fails_with_file_line_and_claim(tmp_path):
    _plant(tmp_path)
    problems = old_claims(tmp_path)
    assert [p.split(": says")[0] for p in problems] == [
        "content/module.md:7: A1",
        "quizzes/module.yaml:13: B5",
        "quizzes/module.yaml:17: B26",
        "scenarios/housing.yaml:7: A2",
        "content/principles.yaml:4: A4",
    ]
    # the distractor "The Home Office decides the child's age" is a wrong option: not read
    assert not any("A6" in p for p in problems)
    assert research_note_citations(tmp_path) == [
        "quizzes/module.yaml:14: B29: a quiz question's source is the research note law-update-2026; "
        "cite the Act, regulations or guidance"]
    assert assessed_unconfirmed_points(tmp_path) == [
        "quizzes/module.yaml:15: question 'q2' rests its answer on the number of integrated care boards "
        "now (mergers from April 2026)"]
