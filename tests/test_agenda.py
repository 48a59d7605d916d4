"""The @Scale agenda page parses into exactly the items on it, with every known trap handled."""

from collections import Counter

import pytest

from corpus import DEFAULT_CORPUS, build_atscale
from corpus.agenda import parse_author_line
from corpus.jsonl import dumps_items


@pytest.fixture(scope="module")
def items():
    return build_atscale()


@pytest.fixture(scope="module")
def by_title(items):
    return {i.title: i for i in items}


def test_committed_corpus_is_regenerated_byte_for_byte(items):
    assert dumps_items(items) == DEFAULT_CORPUS.read_text(encoding="utf-8")


def test_counts(items):
    kinds = Counter(i.kind for i in items)
    assert kinds == {"poster": 28, "talk": 13, "panel": 2, "logistics": 5, "event": 1}
    assert sum(1 for i in items if i.start and i.kind != "event") == 20
    assert len({i.id for i in items}) == len(items)


def test_logistics_slots(items):
    logistics = [i.title for i in items if i.kind == "logistics"]
    assert logistics == [
        "Attendee Registration",
        "Breakfast, Raffle Submissions, Networking",
        "Lunch & Poster Sessions",
        "Break & Poster Sessions",
        "Happy Hour & Poster Sessions",
    ]


def test_schedule_titles_in_order(items):
    talks = [i.title for i in items if i.kind in ("talk", "panel")]
    assert talks[:4] == ["Event Welcome", "Opening Remarks", "Fireside Chat", "Metamate from Chatbot to Coworker"]
    assert "Q&A Session" in talks and "Closing Remarks" == talks[-1]
    assert [i.title for i in items if i.kind == "panel"] == [
        "Live Panel: GenAI Startups",
        "Live Panel: Infrastructure in an Agentic World",
    ]


def test_times_carry_the_conference_time_zone(by_title):
    item = by_title["Agentic Observability - Making LLM Apps Debuggable, Trustworthy, and Scalable"]
    assert item.start == "2025-06-25T15:05:00-07:00" and item.end == "2025-06-25T15:30:00-07:00"
    assert by_title["Happy Hour & Poster Sessions"].end == "2025-06-25T18:00:00-07:00"


def test_schedule_role_lines(by_title):
    panel = by_title["Live Panel: GenAI Startups"]
    assert [(p.name, p.org, p.role) for p in panel.people] == [
        ("Joe Spisak", "Meta", "moderator"),
        ("Horace He", "Thinking Machines", "panelist"),
        ("Dhruv Batra", "Yutori", "panelist"),
        ("Sal Candido", "EvolutionaryScale", "panelist"),
        ("Eugen Hotaj", "Perplexity", "panelist"),
        ("Carina Hong", "Axiom Math", "panelist"),
    ]
    qa = by_title["Q&A Session"]
    assert qa.people[0].role == "moderator" and len(qa.people) == 6


def test_poster_with_no_abstract_does_not_swallow_the_next(by_title, items):
    storage = by_title["AI Data Storage for Exabyte-Scale Training of Recommendation Models"]
    assert storage.abstract == ""
    assert len(storage.people) == 11 and storage.people[-1].name == "Lucas Vasconcelos Santana"
    nxt = by_title[
        "AI Dev Productivity and how we enabled federated GPU clusters transparently to "
        "researchers through global scheduling"
    ]
    assert nxt.kind == "poster" and nxt.abstract.startswith("GPU capacity is often spread")


def test_title_glued_to_previous_bullet(by_title):
    tidb = by_title["Architecting AI SaaS at Scale with TiDB: Lessons from 500,000 Databases"]
    assert tidb.abstract.rstrip().endswith("without the infrastructure debt.")
    assert "At Facebook" not in tidb.abstract
    fb = by_title["At Facebook, Your Feedback Matters! How LLMs Help Meta Understand and Address User Pain Points"]
    assert fb.kind == "poster" and [p.name for p in fb.people] == ["Bee Padalkar"]


def test_stray_fragment_dropped_and_recorded(by_title):
    ssd = by_title["Embedding Offloading using SSD Storage for Large Model Training"]
    assert ssd.abstract.startswith("Meta has been at the forefront")
    assert "feature importance" not in ssd.abstract
    assert any("stray leading fragment" in f and "Collective Wisdom" in f for f in ssd.fixes)
    fi = by_title["Collective Wisdom of Models: Advanced Feature Importance Techniques"]
    assert fi.abstract.startswith("How to leverage multiple models feature importance score") and not fi.fixes


def test_faiss_poster_drops_exact_repeats_keeps_variants(by_title):
    faiss = by_title["Faiss & Vector Search at Meta"]
    assert faiss.abstract.count("RaBitQ, now supported in Faiss") == 1
    assert "100s of billion embeddings" in faiss.abstract and "1 trillion embeddings" in faiss.abstract
    assert "training million centroids" in faiss.abstract and "training 2 million centroids" in faiss.abstract
    assert sum("repeated verbatim" in f for f in faiss.fixes) == 1


def test_sub_headings_are_not_items(items, by_title):
    titles = {i.title for i in items}
    for heading in (
        "Goal",
        "Solution",
        "Results",
        "Future Developments",
        "Key Ideas:",
        "Case Study: An AI-Powered Error Assistant",
        "You'll learn how to:",
    ):
        assert heading not in titles
    err = by_title["AI for Error Mitigation: A Case Study"]
    assert "\n\nGoal\n\n" in err.abstract and "Future Developments" in err.abstract


def test_read_more_link_and_page_chrome_are_not_items(items, by_title):
    titles = " ".join(i.title for i in items)
    assert "Advancing AI Wearables" not in titles
    for chrome in ("2025 Events", "NETWORKING", "LATEST NOTES", "SPEAKERS AND MODERATORS", "RSVPS CLOSED", "Cookies"):
        assert chrome not in titles
    rayban = by_title["Bringing AI Into the Real World"]
    assert rayban.see_also == ("Advancing AI Wearables: The Technical Journey of Ray-Ban Meta",)
    assert "read more" not in rayban.abstract


def test_placeholder_abstract_dropped(by_title):
    metamate = by_title["Metamate from Chatbot to Coworker"]
    assert metamate.abstract == "" and metamate.fixes


@pytest.mark.parametrize(
    "line,names,org",
    [
        (
            "Peng Li, Karthik Vijayakumar, Todd Porter, Agustin Vergottini, Saurav Sen, Meta",
            ["Peng Li", "Karthik Vijayakumar", "Todd Porter", "Agustin Vergottini", "Saurav Sen"],
            "Meta",
        ),
        (
            "Sunny Cui, Albert Huang(DE), Vivian Shen(DS), Jae Cho, Victoria Yang, Zhe Wang(SWEs), Meta",
            ["Sunny Cui", "Albert Huang", "Vivian Shen", "Jae Cho", "Victoria Yang", "Zhe Wang"],
            "Meta",
        ),
        ("Paritosh Aggarwal & Nathan Weigand, Snowflake", ["Paritosh Aggarwal", "Nathan Weigand"], "Snowflake"),
        (
            "Satish Asok, Tej Singh, Kedarnath Kurnool Gandla, and Nicholas Chadwick Meta",
            ["Satish Asok", "Tej Singh", "Kedarnath Kurnool Gandla", "Nicholas Chadwick"],
            "Meta",
        ),
        ("Bee Padalkar , Meta", ["Bee Padalkar"], "Meta"),
        ("Xin Shi, PingCAP", ["Xin Shi"], "PingCAP"),
        (
            "Anubhav Chaturvedi, Jayesh Seshadri,\u00a0Michael Au-Yeung, Vladimir Ivanov and Ya Liu",
            ["Anubhav Chaturvedi", "Jayesh Seshadri", "Michael Au-Yeung", "Vladimir Ivanov", "Ya Liu"],
            "",
        ),
        ("Moto Hira, Abhinandan Krishnan, Yuta Inoue", ["Moto Hira", "Abhinandan Krishnan", "Yuta Inoue"], ""),
        ("Brian Dahmen, Derek Chen, Vyom Munshi , META", ["Brian Dahmen", "Derek Chen", "Vyom Munshi"], "Meta"),
    ],
)
def test_author_lines(line, names, org):
    people = parse_author_line(line, {"meta", "snowflake", "nvidia"})
    assert [p.name for p in people] == names
    assert {p.org for p in people} == {org}
    assert {p.role for p in people} == {"author"}


def test_org_and_person_spellings_normalized(items):
    orgs = {o for i in items for o in i.orgs}
    assert {"META", "AnyScale", "Fiddler", "Fiddler.AI", "Evolutionary Scale AI", "Axiom"}.isdisjoint(orgs)
    assert {"Meta", "Anyscale", "Fiddler AI", "EvolutionaryScale", "Axiom Math", "PingCAP", "Datagrid"} <= orgs
    names = {p.name for i in items for p in i.people}
    assert "Devin O'Kelly" in names and "Devin O\u2019Kelly" not in names


def test_no_special_spaces_or_hyphens(items):
    text = dumps_items(items)
    for ch in ("\u00a0", "\u2011", "\u202f", "\u200b"):
        assert ch not in text
    tulib = next(i for i in items if i.title.startswith("Tulib"))
    assert "Schema-first" in tulib.abstract and "column-by-column" in tulib.abstract


def test_bios_attached_without_read_more(items):
    people = {p.name: p for i in items for p in i.people}
    horace = people["Horace He"]
    assert horace.bio.startswith("Horace is interested") and horace.bio_truncated
    assert not horace.bio.startswith("Bio:")
    for p in people.values():
        assert "read more" not in p.bio
    assert people["Karthik Lakshminarayanan"].bio == "Karthik Lakshminarayanan is a Product Management Director at Meta"
    assert people["Uday Ramesh Savagaonkar"].bio == "" and not people["Uday Ramesh Savagaonkar"].bio_truncated
    scheduled = {p.name for i in items if i.start for p in i.people}
    assert {n for n in scheduled if not people[n].bio} == {"Uday Ramesh Savagaonkar"}


def test_every_item_points_at_its_source_line(items):
    lines = (DEFAULT_CORPUS.parent.parent / "sources" / "atscale-ai-data-2025.txt").read_text().split("\n")
    for item in items:
        assert item.source.file == "corpus/sources/atscale-ai-data-2025.txt"
        row = lines[item.source.line - 1]
        if item.kind == "poster":
            assert row.strip().replace("\u00a0", " ").startswith(item.title[:20])
        elif item.kind == "event":
            assert row.strip() == "@Scale: AI & DATA"  # the page's first line
        else:
            assert row.strip().endswith(("AM", "PM"))


def test_event_record(items):
    event = next(i for i in items if i.kind == "event")
    assert event.title == "@Scale: AI & Data 2025"
    assert event.location == "Santa Clara Convention Center, 5001 Great America Pkwy, Santa Clara, CA 95054"
    assert event.start == "2025-06-25T08:30:00-07:00" and event.end == "2025-06-25T18:00:00-07:00"
    assert "Agents interact with billions of users" in event.abstract
    assert "RSVPS" not in event.abstract and "AGENDA" not in event.abstract
