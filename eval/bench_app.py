"""App latency, as a user meets it: launch `python app.py`, time until it serves, the first answer,
then per-answer latency over the example questions through the named /ask endpoint.

    python -m eval.bench_app [--runs 3]      # writes eval/results/app-latency.md

The index is built before timing (a first `make run` also builds it; that time is the index build's,
recorded in eval/results/index-bench.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from assistant.cli import set_offline_env

set_offline_env()

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Which talks cover data quality for agents?",
    "What follows the afternoon break?",
    "Any posters about training data storage?",
    "What is Fiddler showing?",
    "Posters like the Faiss poster",
    "Who is on the infrastructure panel?",
    "how do you find slow GPUs holding back a training job?",
    "best pizza in Santa Clara",
    "faiss",
    "when can I go see the posters?",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_launch(env, answers: int = 2) -> dict:
    """One fresh `python app.py`: time to serving, to the first answer, then `answers` rounds of QUESTIONS."""
    from gradio_client import Client

    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for line in proc.stdout:
            if line.startswith("Ask the agenda:"):
                break
        ready = time.perf_counter() - t0
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        t = time.perf_counter()
        client.predict(QUESTIONS[0], api_name="/ask")
        first = time.perf_counter() - t
        to_first_answer = time.perf_counter() - t0
        per = []
        for q in QUESTIONS * answers:
            t = time.perf_counter()
            client.predict(q, api_name="/ask")
            per.append((time.perf_counter() - t) * 1000)
        return {
            "ready_s": ready,
            "first_answer_s": first,
            "launch_to_first_answer_s": to_first_answer,
            "per_answer_ms": per,
        }
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    env = dict(os.environ)
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "index", "build", "-q"], env=env, check=True, capture_output=True
    )
    runs = [one_launch(env) for _ in range(args.runs)]
    med = statistics.median
    per = [x for r in runs for x in r["per_answer_ms"]]
    lines = [
        f"# App latency, {date.today().isoformat()}",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores. Command: `python -m eval.bench_app --runs {args.runs}` "
        "(grounded answerer, index already built). Each run launches `python app.py` afresh.",
        "",
        "| run | launch to serving (s) | first answer (s) | launch to first answer (s) | per answer p50 (ms) | p95 (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(runs, 1):
        s = sorted(r["per_answer_ms"])
        lines.append(
            f"| {i} | {r['ready_s']:.2f} | {r['first_answer_s']:.2f} | {r['launch_to_first_answer_s']:.2f} | "
            f"{med(s):.0f} | {s[int(0.95 * (len(s) - 1))]:.0f} |"
        )
    allp = sorted(per)
    lines += [
        "",
        f"Median launch to first answer: {med(r['launch_to_first_answer_s'] for r in runs):.2f} s; "
        f"per-answer latency over {len(per)} /ask calls (client round trip, {len(QUESTIONS)} questions x2 x{len(runs)}): "
        f"p50 {med(allp):.0f} ms, p95 {allp[int(0.95 * (len(allp) - 1))]:.0f} ms.",
        "",
    ]
    out = ROOT / "eval" / "results" / "app-latency.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
