"""The gunicorn master warms up before forking; what makes a cache hit cheap."""

import gc
import logging
import runpy
from pathlib import Path

from django.template import engines

from newsroom import warmup

ROOT = Path(__file__).resolve().parents[2]


def cached_loader():
    (loader,) = engines["django"].engine.template_loaders
    return loader


def test_public_templates_are_listed_and_the_admins_are_not():
    names = warmup.public_template_names()
    assert "articles/article_detail.html" in names
    assert "includes/article_card.html" in names
    assert "base.html" in names
    assert not [name for name in names if name.startswith("admin/")]


def test_warm_compiles_every_public_template_into_the_cached_loader():
    loader = cached_loader()
    loader.reset()
    assert "articles/home.html" not in loader.get_template_cache

    compiled = warmup.warm()

    names = warmup.public_template_names()
    assert compiled == len(names)
    assert set(names) <= set(loader.get_template_cache)


class FakeServer:
    log = logging.getLogger("gunicorn-test")


def test_gunicorn_master_warms_and_freezes_the_heap_before_forking(caplog):
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cached_loader().reset()
    gc.unfreeze()
    try:
        with caplog.at_level(logging.INFO, logger="gunicorn-test"):
            config["when_ready"](FakeServer())
        assert "articles/article_detail.html" in cached_loader().get_template_cache
        assert gc.get_freeze_count() > 0
        assert "Warmed the URL resolver and" in caplog.text
    finally:
        gc.unfreeze()
    # A busy worker is not recycled every few seconds (each restart starts cold).
    assert config["max_requests"] >= 50_000


def test_redis_replies_are_parsed_in_c():
    # A page cache hit reads the page and its dependency versions in one MGET;
    # redis-py parses the reply with hiredis when it is installed.
    from redis.utils import HIREDIS_AVAILABLE

    assert HIREDIS_AVAILABLE
