"""Planner accuracy per intent on wordings it was not developed against (eval/data/independent).

    python -m eval.planner          # prints the table and writes eval/results/planner.md

The readers were developed against the wordings in tests/test_planner.py and eval/data (group A); the
independent set (group B) was written from titles only by someone else and is never used to change them.
A question counts as read right when the plan has what its type needs:
  person: a person filter; org: an org filter; schedule: items from the times; related / event / compare /
  overlap / recommend: that intent; topic / list: a topical or list intent; out_of_agenda: not read as an
  event, schedule or named-item question.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from assistant.planner import Vocabulary, plan_query
from corpus import DEFAULT_CORPUS, load_items
from eval.retrieval import INDEPENDENT, RESULTS, load_queries

TOPICAL = {"topic", "list", "recommend"}


def read_right(qtype: str, plan) -> bool:
    if qtype == "person":
        return bool(plan.people)
    if qtype == "org":
        return bool(plan.orgs)
    if qtype == "schedule":
        return bool(plan.schedule) or bool(plan.time_from)
    if qtype in ("related", "event", "compare", "overlap", "recommend"):
        return plan.intent == qtype
    if qtype in ("topic", "list"):
        return plan.intent in TOPICAL
    if qtype == "out_of_agenda":
        return plan.intent in TOPICAL | {"who"} and not plan.schedule
    return True


def score(queries, vocab) -> tuple[dict, list]:
    per, wrong = defaultdict(list), []
    for q in queries:
        plan = plan_query(q["query"], vocab)
        ok = read_right(q["type"], plan)
        per[q["type"]].append(ok)
        if not ok:
            wrong.append((q["qid"], q["type"], q["query"], str(plan.intent), plan.notes))
    return {t: (sum(v), len(v)) for t, v in sorted(per.items())}, wrong


def main() -> int:
    vocab = Vocabulary.build(load_items(DEFAULT_CORPUS))
    table, wrong = score(load_queries(INDEPENDENT / "queries.jsonl"), vocab)
    lines = [
        "# Planner accuracy on the independent set",
        "",
        (__doc__ or "").strip(),
        "",
        "| type | read right | accuracy |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {a}/{n} | {a / n:.2f} |" for t, (a, n) in table.items()]
    total = sum(a for a, _ in table.values()), sum(n for _, n in table.values())
    lines += [f"| all | {total[0]}/{total[1]} | {total[0] / total[1]:.2f} |", "", "Read wrong:", ""]
    lines += [f"- {qid} ({t}): {q!r} -> {intent} {list(notes)}" for qid, t, q, intent, notes in wrong]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "planner.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
