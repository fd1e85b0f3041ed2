"""A real Celery worker picks up a task the application enqueued.

Both brokers the platform runs on are exercised: the embedded file-system broker
(`make run` with no Redis) and Redis (production and CI). The worker and the
enqueueing process are separate processes configured only by the environment,
as in production; the task writes to a file, so no result backend is needed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from mentoring.notifications.tasks import PONG, ping

from .processes import BASE_DIR, CELERY, manage, project_env

TIMEOUT = 20  # seconds for the whole round trip


@contextlib.contextmanager
def running_worker(env: dict[str, str], queue: str, log: Path):
    """A solo worker consuming only `queue`; always stopped, even when the test fails."""
    command = [
        CELERY, "-A", "mentoring", "worker", "--pool=solo", "--concurrency=1",
        "--queues", queue, "--hostname", f"{queue}@%h",
        "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO",
    ]  # fmt: skip
    with log.open("w") as out:
        worker = subprocess.Popen(  # noqa: S603 (the project's own worker)
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield worker
        finally:
            _stop(worker)


def _stop(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _enqueue_ping(env: dict[str, str], queue: str, reply: Path) -> None:
    code = (
        "from mentoring.notifications.tasks import ping; "
        f"ping.apply_async(args=[{str(reply)!r}], queue={queue!r})"
    )
    result = manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr


def _wait_for(path: Path, worker: subprocess.Popen, log: Path, deadline: float) -> str:
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        if worker.poll() is not None:
            pytest.fail(f"the worker exited early:\n{log.read_text()}")
        time.sleep(0.2)
    pytest.fail(f"the worker did not run the task within {TIMEOUT}s:\n{log.read_text()}")


def _round_trip(env: dict[str, str], tmp_path: Path) -> str:
    deadline = time.monotonic() + TIMEOUT
    queue = f"test-{uuid.uuid4().hex[:12]}"
    reply, log = tmp_path / "reply.txt", tmp_path / "worker.log"
    with running_worker(env, queue, log) as worker:
        _enqueue_ping(env, queue, reply)
        assert _wait_for(reply, worker, log, deadline) == PONG
        assert "mentoring.notifications.tasks.ping" in log.read_text()
    return queue


def test_ping_returns_pong_and_writes_the_reply_file(tmp_path):
    reply = tmp_path / "reply.txt"
    assert ping(str(reply)) == PONG
    assert reply.read_text() == PONG


def test_a_worker_runs_an_enqueued_task_with_the_embedded_broker(tmp_path):
    env = project_env(tmp_path)  # no REDIS_URL: the file-system broker under VAR_DIR
    _round_trip(env, tmp_path)
    # Broadcast tables live beside the queue, not in whatever folder the worker started in.
    assert list((tmp_path / "var" / "celery-broker" / "control").glob("*.exchange"))


@pytest.mark.redis
def test_a_worker_runs_an_enqueued_task_with_redis(tmp_path):
    import redis

    env = project_env(tmp_path, REDIS_URL=os.environ["REDIS_URL"])
    queue = _round_trip(env, tmp_path)
    _forget_queue(redis.Redis.from_url(os.environ["REDIS_URL"]), queue)


def _forget_queue(server, queue: str) -> None:
    """Leave the shared server as we found it: drop the test queue's bindings."""
    for key in server.scan_iter("_kombu.binding*"):
        if queue.encode() in key:
            server.delete(key)
        elif server.type(key) == b"set":
            for member in server.smembers(key):
                if queue.encode() in member:
                    server.srem(key, member)


@pytest.mark.redis
def test_the_cache_is_redis_when_redis_url_is_set():
    import redis

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    key = f"test-{uuid.uuid4().hex}"
    try:
        cache.set(key, {"value": 42}, timeout=30)
        assert cache.get(key) == {"value": 42}
        server = redis.Redis.from_url(os.environ["REDIS_URL"])
        assert server.exists(cache.make_key(key)) == 1
    finally:
        cache.delete(key)
    assert cache.get(key) is None
