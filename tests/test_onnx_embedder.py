"""The ONNX Runtime embedder: same vectors as sentence-transformers, a checked and cached export, refusals.

The fast tests use a tiny hand-made ONNX graph (no torch); the `model` tests export the real MiniLM once.
"""

import numpy as np
import pytest

from index import onnx_embedder as ox
from index.embedder import (
    MINILM,
    FallbackEmbedder,
    HashingEmbedder,
    MiniLMEmbedder,
    get_embedder,
)
from index.text import passages


def tiny_exporter(direction: np.ndarray):
    """An exporter writing a toy ONNX model whose hidden states are token id * `direction`: every text's
    pooled, normalized vector is `direction` / |direction|."""

    def export(src, out):
        from onnx import TensorProto, helper, numpy_helper, save

        w = numpy_helper.from_array(direction.astype(np.float32), "w")
        axes = numpy_helper.from_array(np.array([2], dtype=np.int64), "axes")
        nodes = [
            helper.make_node("Cast", ["input_ids"], ["f"], to=TensorProto.FLOAT),
            helper.make_node("Unsqueeze", ["f", "axes"], ["f3"]),
            helper.make_node("Mul", ["f3", "w"], ["last_hidden_state"]),
        ]
        ins = [
            helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"])
            for n in ("input_ids", "attention_mask", "token_type_ids")
        ]
        out_info = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", 384])
        graph = helper.make_graph(nodes, "toy", ins, [out_info], initializer=[w, axes])
        save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", ox.OPSET)]), str(out))

    return export


@pytest.fixture
def direction():
    v = np.random.default_rng(1).normal(size=384).astype(np.float32)
    return v


def constant(v):
    unit = v / np.linalg.norm(v)
    return lambda texts: np.tile(unit, (len(texts), 1))


def test_check_export_accepts_equal_and_refuses_different_vectors():
    h = HashingEmbedder(dim=384)
    assert ox.check_export(h.encode_documents, h.encode_documents) == 0.0

    def off(texts):
        return h.encode_documents(texts) + 2e-5

    with pytest.raises(ox.ExportMismatch, match=r"max abs difference 2e-05 > 1e-05") as err:
        ox.check_export(h.encode_documents, off)
    assert "was not saved" in str(err.value) and "TALKS_EMBED_BACKEND=sentence-transformers" in str(err.value)

    def nan(texts):
        return h.encode_documents(texts) * np.nan

    with pytest.raises(ox.ExportMismatch):
        ox.check_export(h.encode_documents, nan)


def test_a_mismatching_export_is_refused_and_nothing_is_kept(tmp_path, direction):
    models = tmp_path / "models"
    with pytest.raises(ox.ExportMismatch, match="does not reproduce sentence-transformers"):
        ox.ensure_exported(
            models, exporter=tiny_exporter(direction), reference=HashingEmbedder(dim=384).encode_documents
        )
    assert sorted(p.name for p in models.iterdir()) == ["weights-sha256.json"]  # no model, no temporary file


def test_a_checked_export_is_cached_by_weights_hash_and_reused(tmp_path, direction, monkeypatch):
    models = tmp_path / "models"
    path, record = ox.ensure_exported(models, exporter=tiny_exporter(direction), reference=constant(direction))
    assert path.name == f"minilm-{record.weights_sha256[:16]}-{ox.RECIPE}.onnx" and path.exists()
    assert record.graph_nodes == 3 and not record.fused
    assert path.with_suffix(".json").exists() and record.max_abs_diff <= ox.MAX_ABS_DIFF
    assert record.export_sha256 == ox._sha256(path) and record.probes == len(ox.PROBES)

    def no_export(src, out):
        raise AssertionError("exported again")

    # a second process: reuses the file, and the weights hash from its memo instead of re-reading 90 MB
    monkeypatch.setattr(ox, "_sha256", lambda p: (_ for _ in ()).throw(AssertionError("rehashed")))
    again, rec2 = ox.ensure_exported(models, exporter=no_export)
    assert again == path and rec2 == record
    emb = ox.OnnxMiniLMEmbedder(models)
    monkeypatch.setattr(ox, "torch_export", no_export)
    vecs = emb.encode_queries(["faiss", "a longer question about data quality"])
    assert np.allclose(vecs, constant(direction)(["", ""]), atol=1e-6)
    assert emb.export_hash == record.export_sha256[:16]


def test_the_export_holds_the_heavy_import_lock(tmp_path, direction):
    import threading

    from index.embedder import HEAVY_IMPORTS

    seen = []
    export = tiny_exporter(direction)

    def watched(src, out):
        other = threading.Thread(target=lambda: seen.append(HEAVY_IMPORTS.acquire(blocking=False)))
        other.start()
        other.join()
        export(src, out)

    ox.ensure_exported(tmp_path / "models", exporter=watched, reference=constant(direction))
    assert seen == [False]  # another thread (the app's gradio import) could not have taken it meanwhile


def test_an_export_made_the_older_way_is_replaced_and_removed(tmp_path, direction):
    models = tmp_path / "models"
    wsha = ox.weights_hash(ox.source_dir(), models)
    older = [models / f"minilm-{wsha[:16]}{end}" for end in (".onnx", ".json")]  # the unfused recipe's names
    for f in older:
        f.write_text("older export")
    other = models / "minilm-0123456789abcdef-fused.onnx"  # other weights: not ours to remove
    other.write_text("x")
    path, _ = ox.ensure_exported(models, exporter=tiny_exporter(direction), reference=constant(direction))
    assert path.exists() and other.exists() and not any(f.exists() for f in older)


def test_backend_choice_and_fallback_on_refusal(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="unknown embedding backend 'gpu'; valid: auto, onnxruntime"):
        get_embedder(MINILM, tmp_path, backend="gpu")
    assert isinstance(get_embedder(MINILM, tmp_path, backend="sentence-transformers"), MiniLMEmbedder)
    assert isinstance(get_embedder(MINILM), MiniLMEmbedder)  # no models folder: nowhere to cache an export
    assert isinstance(get_embedder(MINILM, tmp_path, backend="onnxruntime"), ox.OnnxMiniLMEmbedder)
    auto = get_embedder(MINILM, tmp_path)
    assert isinstance(auto, FallbackEmbedder)

    def refuse(models_dir, src=None):
        raise ox.ExportMismatch(0.5, 1e-5, "faiss")

    monkeypatch.setattr(ox, "ensure_exported", refuse)
    assert auto.backend == "sentence-transformers"  # reported, then served by the PyTorch model
    assert "max abs difference 0.5" in (tmp_path / "export-refused.txt").read_text()
    monkeypatch.setattr(ox, "ensure_exported", lambda *a, **k: pytest.fail("retried a refused export"))
    assert FallbackEmbedder(tmp_path).backend == "sentence-transformers"


def test_an_export_that_cannot_run_falls_back_without_being_remembered(tmp_path, monkeypatch, capsys):
    def missing(models_dir, src=None):
        raise ModuleNotFoundError("No module named 'onnx'")

    monkeypatch.setattr(ox, "ensure_exported", missing)
    assert FallbackEmbedder(tmp_path).backend == "sentence-transformers"
    assert "No module named 'onnx'" in capsys.readouterr().err
    assert not (tmp_path / "export-refused.txt").exists()  # tried again next time


# ------------------------------------------------------------ the real model


@pytest.fixture(scope="session")
def onnx_minilm(tmp_path_factory):
    return ox.OnnxMiniLMEmbedder(tmp_path_factory.mktemp("models"))


@pytest.mark.model
def test_onnx_vectors_equal_sentence_transformers(onnx_minilm, minilm, items):
    texts = [p for i in items[:12] for p in passages(i)] + [i.title for i in items] + ["faiss", "?", ""]
    got, want = onnx_minilm.encode_documents(texts), minilm.encode_documents(texts)
    assert got.dtype == np.float32 and got.shape == want.shape == (len(texts), 384)
    assert np.abs(got - want).max() <= ox.MAX_ABS_DIFF
    one = np.concatenate([onnx_minilm.encode_queries([t]) for t in texts[:20]])
    assert np.abs(one - want[:20]).max() <= ox.MAX_ABS_DIFF  # alone (no padding) = in a padded batch
    longest = max(items, key=lambda i: len(i.abstract)).abstract
    assert onnx_minilm.token_count(longest) == minilm.token_count(longest) > ox.MAX_TOKENS
    assert onnx_minilm.export_hash and onnx_minilm.backend == "onnxruntime"
    record = onnx_minilm._record
    assert record.fused and record.graph_nodes < 100  # attention fused: dozens of nodes, not hundreds


@pytest.mark.model
def test_the_real_export_is_reused_without_torch(onnx_minilm, monkeypatch):
    onnx_minilm.encode_queries(["warm"])  # exported (once per session)
    monkeypatch.setattr(ox, "torch_export", lambda *a: pytest.fail("exported again"))
    fresh = ox.OnnxMiniLMEmbedder(onnx_minilm.models_dir, threads=1)
    assert fresh.export_hash == onnx_minilm.export_hash
    assert np.allclose(fresh.encode_queries(["faiss"]), onnx_minilm.encode_queries(["faiss"]), atol=1e-6)
