from assistant.offline import set_offline_env

set_offline_env()  # before any test imports gradio, litellm or huggingface_hub

import pytest  # noqa: E402

from assistant.settings import Settings  # noqa: E402
from corpus import DEFAULT_CORPUS, load_items  # noqa: E402
from index.embedder import HashingEmbedder, MiniLMEmbedder  # noqa: E402


@pytest.fixture(scope="session")
def items():
    return load_items(DEFAULT_CORPUS)


@pytest.fixture(scope="session")
def fake_settings(tmp_path_factory):
    return Settings(data_dir=tmp_path_factory.mktemp("data"), model=HashingEmbedder.name)


@pytest.fixture(scope="session")
def fake_searcher(fake_settings):
    from assistant.engine import open_searcher

    return open_searcher(fake_settings, HashingEmbedder())


@pytest.fixture(scope="session")
def minilm():
    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory):
    return Settings(data_dir=tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="session")
def real_searcher(real_settings, minilm):
    from assistant.engine import open_searcher

    return open_searcher(real_settings, minilm)
