"""`talks eval answers`: score the answerers on the labeled queries.

For the grounded default and, when `TALKS_LLM_MODEL` is set, the LLM:
  citation precision   citations that are in range and supported by the cited item's text
  citation recall      claims (sentences / list lines) that carry a citation
  cited relevant       share of cited items labeled relevant (grade >= 1), over in-scope judged questions
  list completeness    relevant items named (cited) in the answer, for topical questions; grade 2
                       ("answers it") is the headline, grade >= 1 is reported beside it
  facts exact          event and overlap questions whose answer states every expected fact
                       (eval/data/independent/expected.jsonl)
  refusal accuracy     out-of-agenda questions refused
  false refusals       in-agenda questions refused
  latency              answer time against search time for the same questions, same run
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from assistant.answer import Assistant
from assistant.engine import open_searcher
from assistant.settings import Settings
from eval.retrieval import DATA, OUT_OF_SCOPE, RESULTS, query_sets

LIST_TYPES = ("topic", "keyword", "kind", "multi", "org", "person", "list", "recommend")
SYNONYMS = {"no other": ("no other", "nothing else", "single track")}


def load_expected(data_dir: Path = DATA) -> dict[str, list[str]]:
    path = data_dir / "independent" / "expected.jsonl"
    if not path.exists():
        return {}
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {r["qid"]: r["expect"] for r in rows}


def states(text: str, fact: str) -> bool:
    low = text.lower()
    return any(s.lower() in low for s in SYNONYMS.get(fact, (fact,)))


def score_answers(assistant: Assistant, queries: list[dict], qrels: dict, expected: dict | None = None) -> dict:
    expected = expected or {}
    per_query = []
    cited_n = cited_rel = 0
    facts_ok, facts_bad = 0, []
    cites_total = cites_ok = claims = cited_claims = 0
    complete2, complete1 = [], []
    refused_ok = out_n = 0
    false_refusals = []
    answer_ms, search_ms = [], []
    for q in queries:
        rel = qrels.get(q["qid"], {})
        t = time.perf_counter()
        assistant.searcher.search(q["query"])
        search_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        ans = assistant.answer(q["query"])
        answer_ms.append((time.perf_counter() - t) * 1000)
        check = ans.trace["citation_check"]
        removed = len(check["removed"])
        cites_total += len(ans.citations) + removed
        cites_ok += sum(1 for c in ans.citations if c.supported)
        claims += check["claims"]
        cited_claims += check["cited_claims"]
        cited = {c.id for c in ans.citations}
        row = {
            "qid": q["qid"],
            "type": q["type"],
            "refused": ans.refused,
            "citations": len(ans.citations),
            "removed": removed,
            "unsupported": len(check["unsupported"]),
        }
        if q["qid"] in expected:
            ok = all(states(ans.text, f) for f in expected[q["qid"]])
            facts_ok += ok
            if not ok:
                facts_bad.append(q["qid"])
        if q["type"] == OUT_OF_SCOPE or (not rel and q["type"] in LIST_TYPES + ("query",)):
            out_n += 1
            refused_ok += ans.refused
        elif rel:
            cited_n += len(cited)
            cited_rel += len(cited & set(rel))
            row["cited_irrelevant"] = sorted(cited - set(rel))
            if ans.refused:
                false_refusals.append(q["qid"])
            if q["type"] in LIST_TYPES:
                g2 = [d for d, g in rel.items() if g >= 2]
                if g2:
                    complete2.append(len(cited & set(g2)) / len(g2))
                    row["completeness_g2"] = complete2[-1]
                complete1.append(len(cited & set(rel)) / len(rel))
                row["completeness_g1"] = complete1[-1]
        per_query.append(row)
    return {
        "answerer": assistant.answerer,
        "questions": len(queries),
        "citation_precision": cites_ok / cites_total if cites_total else 1.0,
        "citation_recall": cited_claims / claims if claims else 1.0,
        "cited_relevant": cited_rel / cited_n if cited_n else None,
        "facts_exact": facts_ok / len(expected) if expected else None,
        "facts_wrong": facts_bad,
        "list_completeness": statistics.mean(complete2) if complete2 else None,
        "list_completeness_grade1": statistics.mean(complete1) if complete1 else None,
        "refusal_accuracy": refused_ok / out_n if out_n else None,
        "false_refusals": false_refusals,
        "answer_p50_ms": statistics.median(answer_ms),
        "search_p50_ms": statistics.median(search_ms),
        "answer_to_search": statistics.median(answer_ms) / statistics.median(search_ms),
        "per_query": per_query,
    }


def evaluate(
    settings: Settings, data_dir: Path = DATA, out_dir: Path | None = RESULTS, embedder=None, sets: dict | None = None
) -> dict:
    sets = sets or {k: v for k, v in query_sets(data_dir).items() if k != "tune"}
    expected = load_expected(data_dir)
    searcher = open_searcher(replace(settings, llm_model=None), embedder)
    searcher.index.embedder.encode_queries(["warm up"])
    first = next(iter(sets.values()))[0]
    for q in first[:10]:
        searcher.search(q["query"])  # warm the encoder's shapes before timing
    report = {"date": date.today().isoformat(), "answerers": {}}
    answerers = [replace(settings, llm_model=None)]
    if settings.llm_model:
        answerers.append(settings)
    for s in answerers:
        for set_name, (queries, qrels) in sets.items():
            exp = {q["qid"]: expected[q["qid"]] for q in queries if q["qid"] in expected}
            result = score_answers(Assistant(searcher, s), queries, qrels, exp)
            report["answerers"][f"{result['answerer']} / {set_name}"] = result
    if out_dir is not None:
        write_report(report, out_dir)
    return report


def format_table(report: dict) -> str:
    cols = [
        "citation_precision",
        "citation_recall",
        "cited_relevant",
        "list_completeness",
        "list_completeness_grade1",
        "refusal_accuracy",
        "facts_exact",
        "answer_p50_ms",
        "search_p50_ms",
        "answer_to_search",
    ]
    lines = ["| answerer | " + " | ".join(cols) + " | false refusals |", "|---" * (len(cols) + 2) + "|"]
    for name, m in report["answerers"].items():
        vals = [("n/a" if m[c] is None else f"{m[c]:.3f}") for c in cols]
        lines.append(f"| {name} | " + " | ".join(vals) + f" | {len(m['false_refusals'])} |")
    return "\n".join(lines)


def write_report(report: dict, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"{report['date']}-answers"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n")
    md = [
        f"# Answer evaluation, {report['date']}",
        "",
        "Command: `talks eval answers` (labeled queries in eval/data; definitions in eval/answers.py).",
        "",
        format_table(report),
        "",
    ]
    for name, m in report["answerers"].items():
        if m["false_refusals"]:
            md.append(f"- {name}: false refusals on {', '.join(m['false_refusals'])}")
        weak = [r["qid"] for r in m["per_query"] if r.get("completeness_g2", 1.0) < 1.0]
        if weak:
            md.append(f"- {name}: grade-2 items missing from the answer on {', '.join(weak)}")
    stem.with_suffix(".md").write_text("\n".join(md) + "\n")
