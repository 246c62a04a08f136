"""Every sentence of the course is ours: no run of twelve or more words matches a source
document, no sentence keeps a source sentence's wording, no passage follows a source passage
sentence by sentence. Statute may be quoted."""

import pytest

from app.content import blocks, originality, thresholds
from app.content.originality import (RUN_LENGTH, Seeds, close_paraphrases, default_seed_dir,
                                     our_sentences, shared_runs, shared_wording, source_runs)
from tests.conftest import REPO

SEEDS = default_seed_dir()


@pytest.fixture(scope="module")
def seeds() -> Seeds:
    # The source documents sit beside the repository (../shared/seeds). Without them these tests
    # fail rather than skip: a green run must mean the course was compared with its sources.
    assert SEEDS.is_dir(), f"the source documents are missing: expected them in {SEEDS}"
    return Seeds.from_folder(SEEDS)


def test_no_content_file_copies_a_source_document(seeds):
    runs = source_runs(SEEDS)
    # sources.yaml is the bibliography: its titles and addresses are meant to match what they cite.
    # principles.yaml is section 1(1) of the 2017 Act word for word, as the legal review asked (A4).
    files = [p for folder in ("content", "quizzes", "scenarios") for p in sorted((REPO / folder).glob("*"))
             if p.suffix in (".md", ".yaml") and p.name not in ("sources.yaml", "principles.yaml")]
    assert len(files) > 30
    copied = [str(run) for path in files for run in shared_runs(path, runs)]
    assert copied == [], f"{len(copied)} run(s) of {RUN_LENGTH}+ words match a source:\n" + "\n".join(copied)


def test_the_command_leaves_out_the_bibliography_and_the_act_but_not_the_course(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    title = "promoting the education of looked after children and previously looked after children"
    (seeds / "source.txt").write_text(f"See {title.capitalize()}, statutory guidance, 2018.")
    (tmp_path / "content").mkdir()
    bibliography = tmp_path / "content" / "sources.yaml"
    bibliography.write_text(f'dfe-education:\n  title: "{title.capitalize()}"\n  kind: statutory-guidance\n')
    principles = tmp_path / "content" / "principles.yaml"
    principles.write_text(f"- key: education\n  text: {title}\n")
    module = tmp_path / "content" / "education.md"
    module.write_text(f"---\nid: education\n---\n\nWe follow {title} closely.\n")
    found = originality.check_files([bibliography, principles, module], seeds, tmp_path)
    assert [f.split(":")[0] for f in found] == ["content/education.md"]


def test_the_checker_finds_a_copied_sentence(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    sentence = "every councillor shares the duty to act as a good parent would for children in care"
    (seeds / "source.txt").write_text(f"Introduction. {sentence.capitalize()}. The end.")
    ours = tmp_path / "module.md"
    ours.write_text(f"Line one.\nAs the guide says, {sentence}, always.\n")
    found = shared_runs(ours, source_runs(seeds))
    assert len(found) == 1 and found[0].line == 2
    ours.write_text("Line one.\nEvery councillor is a corporate parent to the children the council looks after.\n")
    assert shared_runs(ours, source_runs(seeds)) == []


# The threshold's evidence (app/content/thresholds.py). Close paraphrases the content review names
# (sentences of ten words or more), each with the source sentence it follows:
NAMED_PARAPHRASES = [
    ("Is a 62% pass rate good or bad? Usually the honest answer is 'it depends'",
     "Is a 62 per cent success rate in GCSEs good or bad? The answer will usually be – it depends"),
    ("You depend on officers for that back story, so make it clear that you want the bad news as well as the good",
     "Elected members are dependent on officers for this back-story. It is important that a climate of trust be "
     "established and that elected members make it clear that they want the bad news as well as the good"),
    ("IROs must be qualified social workers, independent of the line management of the child's case",
     "They must be qualified social workers and independent from the line management of the child's case"),
    ("holds the political responsibility for the leadership, strategy and effectiveness of children's services",
     "has political responsibility for the leadership, strategy and effectiveness of local authority children's services"),
    ("Do I have a clear picture of which needs we meet well and which we do not?",
     "Do I have a good picture of which needs we are meeting well and which we are failing to meet?"),
]
# Sentences written from the same facts without following the source's wording:
INDEPENDENT = [
    ("Figures need context: a headline result means little until you know the trend and the comparison.",
     "Is a 62 per cent success rate in GCSEs good or bad? The answer will usually be – it depends"),
    ("Officers hold the story behind the figures, so ask them plainly for problems as well as successes.",
     "Elected members are dependent on officers for this back-story. It is important that a climate of trust be "
     "established and that elected members make it clear that they want the bad news as well as the good"),
    ("Counting admissions and discharges every month tells a board almost nothing about how children are doing.",
     "Some groups are drowning in data, such as monthly updates on the numbers of children who have entered or "
     "left the care system (which tells them very little)"),
    ("Every report should make clear why its numbers matter and what should happen next.",
     "Good information does not leave the reader thinking: 'So what?'"),
    ("An independent reviewing officer is a registered social worker who manages no part of the child's case.",
     "They must be qualified social workers and independent from the line management of the child's case"),
    ("The lead member answers politically for how well children's services are led and run.",
     "has political responsibility for the leadership, strategy and effectiveness of local authority children's services"),
    ("Can I say which of our children's needs the council meets and where it falls short?",
     "Do I have a good picture of which needs we are meeting well and which we are failing to meet?"),
    ("The council must appoint a virtual school head to promote the education of the children it looks after.",
     "Every local authority must appoint an officer, the Virtual School Head, who is responsible for promoting "
     "the educational achievement of looked after children"),
    ("Care leavers can have a personal adviser until they are 25.",
     "Care leavers are entitled to support from a personal adviser up to the age of 25"),
    ("When children tell you a service is failing them, take it seriously even if the performance figures look fine.",
     "No matter what the data says, if the children on the receiving end of a service do not think it is good "
     "enough then corporate parents should respond."),
    ("Bed and breakfast is not suitable housing for a young person leaving care.",
     "Care leavers should not be placed in bed and breakfast accommodation."),
    ("Unlike a birth parent, a councillor's job is to make the system work for all the children, not to befriend any one child.",
     "Corporate parenting is different from ordinary parenting in that the focus is not on forming personal "
     "relationships with individual children."),
    ("Planning decisions count too: permission for a new children's home goes before the planning committee.",
     "Even the planning committee, however, will be making decisions that affect looked after children, such as "
     "deciding whether to approve an application to open a new children's home."),
    ("Leaving care goes better when every young person has a safety net, and those who struggle get more help.",
     "Some young people will need more support than others as they move towards independence, while all will "
     "need to know that there are fall back options if things don't work out."),
    ("Trauma and neglect before care help explain why children in care come into contact with the police more often.",
     "Looked after children are more likely to have had adverse life experiences that increase their risk of "
     "offending behaviour."),
    ("Head teachers should exclude a child in care only when nothing else has worked.",
     "A decision to exclude him must only be taken as a last resort after other measures have been tried and failed."),
    ("When grandparents, aunts or family friends bring up a child, that is kinship care.",
     "Kinship care, better known as connected carers, kinship care is where a child is looked after by a relative or friend."),
    ("Young people trust the adult who is straight with them over the one who promises what cannot be delivered.",
     "Children recognise this and value adults who listen to them and respond with honesty rather than those who "
     "make unrealistic promises and fail to deliver."),
    ("Yearly returns lag behind events, so ask for up-to-date information between them.",
     "This can change quickly and it is not enough to rely on annual performance data."),
]


@pytest.mark.parametrize("ours, theirs", NAMED_PARAPHRASES)
def test_the_named_paraphrases_reach_the_limit(seeds, ours, theirs):
    assert shared_wording(ours, theirs, seeds) >= thresholds.PARAPHRASE_SENTENCE_SCORE


@pytest.mark.parametrize("ours, theirs", INDEPENDENT)
def test_independent_writing_of_the_same_fact_stays_below_it(seeds, ours, theirs):
    assert shared_wording(ours, theirs, seeds) < thresholds.PARAPHRASE_SENTENCE_SCORE


def sentences_of(text: str, kinds=None, path="content/m.md"):
    return our_sentences(blocks.module_blocks("---\nid: m\n---\n" + text, path), kinds or {})


def test_a_close_sentence_is_reported_with_its_line_and_source(seeds):
    found = close_paraphrases(sentences_of(
        "Opening line.\n\nIROs must be qualified social workers, independent of the line management "
        "of the child's case.{cite: training-resource-2013}\n"), seeds)
    assert len(found) == 1
    assert str(found[0]).startswith("content/m.md:6: this sentence keeps the wording of a source document")
    assert "001_7c00e28975333ae6.txt:187" in found[0].message


# is-it-good-enough.md:55-85 as the content review read it: it follows seeds/001:882-900 sentence
# by sentence with a few words changed, although no one sentence reaches the limit.
FOLLOWED_PASSAGE = """A single figure tells you very little. Is a 62% pass rate good or bad? Usually the honest answer is "it depends". Before you judge, ask four things.

1. **What is the trend?** Look at three to five years, not one. One bad year can be a blip; three in a row is a pattern.
2. **How do we compare with similar councils?** The DfE groups each council with others that have a similar population. A deprived city should not be judged against a wealthy shire.
3. **How do we compare with England?** National figures show the wider picture.
4. **How do our children compare with other local children, and with their own starting point?** The progress a child makes while in care can matter more than a raw result.

**Watch out for averages that hide groups.** A strong group of pupils can lift the headline result and mask others who are doing badly. You depend on officers for that back story, so make it clear that you want the bad news as well as the good.

**Agree what you want to see.** Some boards drown in monthly counts of children coming and going, which say little. It works better to agree with officers which data comes when, and to take one theme at each meeting.

Good figures can hide a poor experience. A high score for placement stability means little if children are unhappy where they are. Whether a child feels valued, or hopeful about the future, cannot be counted.

So, for each topic, look for more than one source. The people who know the service best are the children, their carers and front-line staff. Useful sources include exit interviews with young people leaving care, and staff surveys.

Officers may explain a change in results: a year group with particular needs, for example. You do not have to accept it at face value; you can ask for the evidence behind it. A good report never leaves you thinking "so what?"
"""


def test_a_passage_that_follows_a_source_is_reported_once(seeds):
    found = [p for p in close_paraphrases(sentences_of(FOLLOWED_PASSAGE), seeds)
             if "sentence by sentence" in p.message]
    assert len(found) == 1, found
    assert found[0].line == 4
    assert "follow 001_7c00e28975333ae6.txt:882-" in found[0].message


def test_the_same_facts_in_our_own_order_and_words_pass(seeds):
    ours = """Figures need context. Ask for the trend over several years, for comparisons with similar councils and England, and for how far each child has come since entering care.

A headline average can hide a group that is struggling, and a small year group makes every percentage jumpy. Officers hold the story behind the numbers: ask them plainly for the problems as well as the successes.

Counting admissions and discharges every month tells a board almost nothing. Agree a theme for each meeting instead.

Some things cannot be counted at all, such as whether a child feels valued. For those, listen to the children, their carers and the staff who work with them.
"""
    assert close_paraphrases(sentences_of(ours), seeds) == []


STATUTE = ("to act in the best interests, and promote the physical and mental health and wellbeing, of "
           "those children and young people")
KINDS = {"cswa-2017": "act", "lga-resource-pack": "source-document"}


def test_statute_quoted_under_its_citation_is_allowed(seeds):
    quote = f"The Act says the council must have regard to the need “{STATUTE}”."
    assert close_paraphrases(sentences_of(quote + "{cite: cswa-2017, s1(1)(a)}\n", KINDS), seeds) == []
    cited_elsewhere = close_paraphrases(sentences_of(quote + "{cite: lga-resource-pack}\n", KINDS), seeds)
    assert len(cited_elsewhere) == 1 and "keeps the wording" in cited_elsewhere[0].message


def test_a_block_quote_of_the_act_is_allowed(seeds):
    quote = f"> The council must have regard to the need:\n>\n> - {STATUTE}{{cite: cswa-2017, s1(1)(a)}}\n"
    assert close_paraphrases(sentences_of(quote, KINDS), seeds) == []
    unquoted = quote.replace("> ", "").replace(">", "")
    assert close_paraphrases(sentences_of(unquoted, KINDS), seeds) != []


def test_a_document_title_in_italics_is_a_name_not_phrasing(seeds):
    title = "*Applying corporate parenting principles to looked-after children and care leavers* (2018)."
    assert close_paraphrases(sentences_of(title), seeds) == []
    assert close_paraphrases(sentences_of(title.replace("*", "")), seeds) != []


def test_the_command_prints_path_line(tmp_path, capsys, seeds, monkeypatch):
    module = tmp_path / "content" / "m.md"
    module.parent.mkdir()
    (tmp_path / "quizzes").mkdir()
    module.write_text("---\nid: m\n---\nIROs must be qualified social workers, independent of the line "
                      "management of the child's case.\n")
    assert originality.main([str(module)]) == 1
    assert capsys.readouterr().out.startswith("content/m.md:4: this sentence keeps the wording")


def test_an_exact_run_of_statute_quoted_under_its_citation_is_allowed(tmp_path):
    # The run check honours the same exemption as the sentence checks: statute may be quoted.
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "source.txt").write_text(f"The principles. {STATUTE.capitalize()}. The end.")
    (tmp_path / "content").mkdir()
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "content" / "sources.yaml").write_text(
        "cswa-2017:\n  title: Act\n  kind: act\nlga-resource-pack:\n  title: Pack\n  kind: source-document\n")
    module = tmp_path / "content" / "m.md"
    module.write_text(f"---\nid: m\n---\nThe Act says: “{STATUTE}”.{{cite: cswa-2017, s1(1)(a)}}\n")
    assert shared_runs(module, source_runs(seeds)) == []
    module.write_text(f"---\nid: m\n---\nThe pack says: “{STATUTE}”.{{cite: lga-resource-pack}}\n")
    assert len(shared_runs(module, source_runs(seeds))) == 1


def test_a_quiz_prompt_may_quote_the_act_its_question_rests_on(seeds):
    raw = ("module: m\nquestions:\n  - id: m-q\n    type: single\n    prompt: >\n"
           f"      Which principle is this? \"{STATUTE}\"\n    source: {{source}}\n")
    def sentences(source):
        text = raw.replace("{source}", source)
        return our_sentences(blocks.quiz_blocks(blocks.yamlsource.load(text), "quizzes/m.yaml", text), KINDS)
    assert close_paraphrases(sentences("cswa-2017"), seeds) == []
    assert close_paraphrases(sentences("lga-resource-pack"), seeds) != []
