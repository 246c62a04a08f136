"""Legal statements cite primary sources: an Act, regulations, statutory guidance or a judgment."""

import pytest

from app.content import blocks, citations

KINDS = {"children-act-1989": "act", "cp-guidance-2018": "statutory-guidance",
         "lga-resource-pack": "source-document", "law-update-2026": "research",
         "southwark-2009": "case-law", "no-kind": None}


def module_problems(body: str) -> list[str]:
    text = "---\nid: m\n---\n\n" + body
    return [str(p) for p in citations.unsupported(blocks.module_blocks(text, "content/m.md"), KINDS)]


@pytest.mark.parametrize("text, law", [
    ("The council must do this under section 22 of the Children Act 1989.", "section 22"),
    ("It is in s22(3A).", "s22(3A)"),
    ("Homes have a monthly Regulation 44 visit.", "Regulation 44"),
    ("See reg 43(3) for the visitor.", "reg 43"),
    ("The 2017 Act set out seven principles.", "2017 Act"),
    ("The Children's Homes (England) Regulations 2015 set nine standards.", "Regulations 2015"),
    ("Councils follow statutory guidance.", "statutory guidance"),
    ("[Section 20](glossary.md#section-20) accommodation is voluntary.", "Section 20"),
])
def test_what_states_law(text, law):
    assert citations.names_law(text) == law


@pytest.mark.parametrize("text", [
    "In 2017 the council's report changed.", "The 1990s saw new homes.", "It’s 20 miles away.",
    "Ask what the council has done.", "Around 83,630 children were in care in 2024.",
])
def test_what_does_not_state_law(text):
    assert citations.names_law(text) is None


def test_a_legal_paragraph_citing_only_a_training_pack_fails_with_its_line():
    problems = module_problems("Intro.\n\nThe council must do this under section 22.{cite: lga-resource-pack}\n")
    assert problems == [
        "content/m.md:7: this paragraph states law (it names \"section 22\") but it cites only "
        "lga-resource-pack (source-document): cite the Act, regulations, statutory guidance or "
        "judgment it rests on, e.g. {cite: children-act-1989, s22}"]


@pytest.mark.parametrize("cite", ["{cite: children-act-1989, s22}", "{cite: cp-guidance-2018}",
                                  "{cite: southwark-2009} and {cite: lga-resource-pack}"])
def test_a_primary_citation_satisfies_the_rule(cite):
    assert module_problems(f"The council must do this under section 22.{cite}\n") == []


@pytest.mark.parametrize("body", [
    "## Section 20: accommodation\n",                      # a heading
    "- Do we use section 20 well?\n",                     # a question
    "| Law | What it says |\n|---|---|\n",               # a table header
    "Children come into care in several ways.\n",         # no law named
])
def test_headings_questions_and_plain_text_are_not_checked(body):
    assert module_problems(body) == []


def test_list_items_and_table_rows_are_checked_one_by_one():
    body = ("- Section 20 is voluntary.{cite: children-act-1989, s20}\n"
            "- Regulation 44 visits are monthly.{cite: law-update-2026}\n\n"
            "| Law | Meaning |\n|---|---|\n| Section 31 | A care order |\n")
    problems = module_problems(body)
    assert [p.split(": this")[0] for p in problems] == ["content/m.md:6", "content/m.md:10"]
    assert "this list item" in problems[0] and "research" in problems[0]
    assert "this table row" in problems[1] and "it cites nothing" in problems[1]


def test_a_source_without_a_kind_is_not_primary():
    assert "no-kind (no kind)" in module_problems("Under the Children Act 1989 it is so.{cite: no-kind}\n")[0]


def test_a_block_quote_shares_its_citation():
    body = ("> Section 1(1) of the 2017 Act says a council must have regard to the need:\n>\n"
            "> - to act in the best interests of those children\n"
            "> - to promote high aspirations {cite: children-act-1989}\n")
    assert module_problems(body) == []


QUIZ = """module: m
questions:
  - id: m-q
    type: single
    prompt: Under which section is accommodation voluntary?
    options:
      - text: Section 20
        correct: true
        feedback: Yes, section 20.
      - text: Section 31
        feedback: No.
    explanation: Section 20 accommodation needs the parents' agreement.
    source: {source}
"""


@pytest.mark.parametrize("source, fails", [("lga-resource-pack", True), ("children-act-1989", False)])
def test_a_quiz_explanation_rests_on_its_question_source(tmp_path, source, fails):
    path = tmp_path / "quizzes" / "m.yaml"
    path.parent.mkdir()
    path.write_text(QUIZ.format(source=source))
    data = blocks.yamlsource.load(path.read_text())
    problems = citations.unsupported(blocks.quiz_blocks(data, "quizzes/m.yaml", path.read_text()), KINDS)
    assert [str(p) for p in problems] == ([
        "quizzes/m.yaml:12: this quiz explanation (question 'm-q') states law (it names \"Section 20\") "
        "but it cites only lga-resource-pack (source-document): cite the Act, regulations, statutory "
        "guidance or judgment it rests on, e.g. {cite: children-act-1989, s22}"] if fails else [])


SCENARIO = """id: s
nodes:
  start:
    text: |
      A resident writes to you.

      Under section 20 the parents agreed.{cite: lga-resource-pack}
    choices:
      - label: I reply
        next: end
        feedback: "Regulation 44 reports go to the council.{cite: children-act-1989}"
"""


def test_scenario_text_is_checked_paragraph_by_paragraph(tmp_path):
    data = blocks.yamlsource.load(SCENARIO)
    problems = citations.unsupported(blocks.scenario_blocks(data, "scenarios/s.yaml", SCENARIO), KINDS)
    assert [p.line for p in problems] == [7]
    assert "this scenario text (node 'start')" in problems[0].message


def test_the_command_reads_kinds_from_the_course_it_stands_in(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "content" / "sources.yaml").write_text(
        "children-act-1989:\n  title: Children Act 1989\n  kind: act\n"
        "lga-resource-pack:\n  title: Pack\n  kind: source-document\n")
    module = tmp_path / "content" / "m.md"
    module.write_text("---\nid: m\n---\nUnder section 20 it is voluntary.{cite: lga-resource-pack}\n"
                      "Under section 31 a court decides.\n\nSection 22 applies.{cite: children-act-1989}\n")
    assert citations.main([str(module)]) == 1
    assert capsys.readouterr().out.startswith(f"{module}:4: this paragraph states law")
