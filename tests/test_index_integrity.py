"""Damaged index folders are refused by file name (never a traceback, never a silently wrong answer);
leftovers of killed builds are removed; one build at a time; the cache is rewritten only when it changed."""

import json
import os
import threading
import time

import numpy as np
import pytest

from assistant import cli
from assistant.engine import load_index, open_index
from assistant.settings import Settings
from corpus.jsonl import write_items
from index import cache as cache_mod
from index.build import build_index, build_lock
from index.cache import EmbeddingCache
from index.embedder import HashingEmbedder
from index.manifest import IndexDamaged, IndexMismatch, Manifest
from index.store import Index


@pytest.fixture(scope="module")
def small(items):
    return items[:40]


@pytest.fixture()
def built(tmp_path, small):
    report = build_index(small, tmp_path / "idx", HashingEmbedder(), cache_dir=tmp_path / "cache")
    return report.folder


def _files(folder):
    return sorted(Manifest.read(folder).files)


def test_manifest_lists_every_file_with_size_and_checksum(built):
    m = Manifest.read(built)
    on_disk = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    assert sorted(m.files) == [f for f in on_disk if f != "manifest.json"]
    assert any(f.startswith("bm25/") for f in m.files)
    assert all(set(v) == {"size", "sha256"} and len(v["sha256"]) == 64 for v in m.files.values())


DAMAGE = {
    "deleted": lambda p: p.unlink(),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "empty": lambda p: p.write_bytes(b""),
    "random same size": lambda p: p.write_bytes(np.random.default_rng(0).bytes(p.stat().st_size)),
    "one byte flipped": lambda p: p.write_bytes(bytes([p.read_bytes()[0] ^ 1]) + p.read_bytes()[1:]),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_every_damaged_file_is_refused_by_name(tmp_path, small, damage):
    folder = build_index(small, tmp_path / "idx", HashingEmbedder(), cache_dir=tmp_path / "cache").folder
    for name in _files(folder):
        path = folder / name
        original = path.read_bytes()
        DAMAGE[damage](path)
        with pytest.raises(IndexMismatch) as err:
            Index(folder, HashingEmbedder(), items=small)
        assert name in str(err.value) and "talks index build" in str(err.value), (damage, name)
        path.write_bytes(original)
    Index(folder, HashingEmbedder(), items=small)  # whole again


@pytest.mark.parametrize("text", ["", "{", "[]", '{"schema_version": 4}', "\xff\xfe"])
def test_damaged_manifest_is_refused(built, text):
    (built / "manifest.json").write_bytes(text.encode("latin-1"))
    with pytest.raises(IndexMismatch, match="manifest.json|schema_version"):
        Index(built, HashingEmbedder())


def test_older_index_without_file_list_still_fails_cleanly(built, small):
    m = json.loads((built / "manifest.json").read_text())
    del m["files"]
    (built / "manifest.json").write_text(json.dumps(m))
    Index(built, HashingEmbedder(), items=small)  # an older index loads
    (built / "passages.npy").write_bytes(b"garbage")  # (an exact index never reads faiss.index)
    with pytest.raises(IndexDamaged, match="talks index build"):
        load_index(built, HashingEmbedder(), small)


def test_damaged_index_is_rebuilt_when_the_corpus_is_at_hand(tmp_path, small, capsys):
    corpus = tmp_path / "c.jsonl"
    write_items(corpus, small)
    settings = Settings(corpus=corpus, data_dir=tmp_path / "data", model=HashingEmbedder.name)
    open_index(settings, HashingEmbedder())
    (settings.index_dir / "passage_item.npy").write_bytes(b"\x93NUMPY garbage")
    index = open_index(settings, HashingEmbedder())
    assert len(index) == len(small)
    assert "passage_item.npy" in capsys.readouterr().err


def test_index_check_command(tmp_path, small, capsys, monkeypatch):
    corpus = tmp_path / "c.jsonl"
    write_items(corpus, small)
    monkeypatch.setenv("TALKS_DATA_DIR", str(tmp_path / "data"))
    settings = Settings(corpus=corpus, data_dir=tmp_path / "data", model=HashingEmbedder.name)
    open_index(settings, HashingEmbedder())
    monkeypatch.setattr("index.embedder.get_embedder", lambda name: HashingEmbedder())
    monkeypatch.setattr("assistant.engine.get_embedder", lambda name: HashingEmbedder())
    assert cli.main(["index", "check", "--corpus", str(corpus)]) == 0
    assert "OK" in capsys.readouterr().out
    big = max(_files(settings.index_dir), key=lambda f: (settings.index_dir / f).stat().st_size)
    path = settings.index_dir / big
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    assert cli.main(["index", "check", "--corpus", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert big in err and "talks index build" in err and "Traceback" not in err


def test_leftovers_of_killed_builds_are_removed(tmp_path, small):
    dead = 2**22 + 12345  # above pid_max on most systems: no such process
    for name in (f".idx.tmp-{dead}", f".idx.old-{dead}"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "passages.npy").write_bytes(b"x")
    (tmp_path / "cache").mkdir()
    stale = tmp_path / "cache" / f"{HashingEmbedder.name.replace('/', '--')}.tmp-{dead}.npz"
    stale.write_bytes(b"x")
    alive = tmp_path / f".idx.tmp-{os.getpid()}x"  # not ours to remove: does not match the pattern
    alive.mkdir()
    build_index(small, tmp_path / "idx", HashingEmbedder(), cache_dir=tmp_path / "cache")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".idx.")) == sorted([alive.name, ".idx.lock"])
    assert not stale.exists()


def test_a_second_build_waits_for_the_first(tmp_path, small, capsys):
    folder = tmp_path / "idx"
    done = []
    with build_lock(folder):
        worker = threading.Thread(
            target=lambda: done.append(build_index(small, folder, HashingEmbedder(), cache_dir=tmp_path / "cache"))
        )
        worker.start()
        time.sleep(0.5)
        assert not done  # waiting
    worker.join(60)
    assert done and Index(folder, HashingEmbedder(), items=small)
    assert "another build" in capsys.readouterr().err


def test_concurrent_builds_never_end_in_a_traceback(tmp_path, small):
    errors = []

    def run():
        try:
            build_index(small, tmp_path / "idx", HashingEmbedder(), cache_dir=tmp_path / "cache")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and Index(tmp_path / "idx", HashingEmbedder(), items=small)


def test_cache_is_not_rewritten_when_nothing_changed(tmp_path, small):
    build_index(small, tmp_path / "idx", HashingEmbedder(), cache_dir=tmp_path / "cache")
    path = next((tmp_path / "cache").glob("*.npz"))
    before = path.stat().st_mtime_ns
    time.sleep(0.05)
    report = build_index(small, tmp_path / "idx", HashingEmbedder(), cache_dir=tmp_path / "cache")
    assert report.embedded == 0 and path.stat().st_mtime_ns == before


def test_long_embedding_runs_save_as_they_go(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_mod, "CHUNK", 10)
    monkeypatch.setattr(cache_mod, "SAVE_EVERY_S", -1)
    embedder = HashingEmbedder()
    calls = []

    def encode(texts, progress):
        calls.append(len(texts))
        if len(calls) == 4:
            raise KeyboardInterrupt  # killed during the fourth chunk
        return embedder.encode_documents(texts)

    cache = EmbeddingCache(tmp_path, embedder.name, embedder.dim)
    with pytest.raises(KeyboardInterrupt):
        cache.embed([f"text {i}" for i in range(100)], encode)
    assert len(EmbeddingCache(tmp_path, embedder.name, embedder.dim)) == 30
