"""Live workers, as their heartbeats describe them (`rpa workers`, the coordinator's tallies)."""

from __future__ import annotations

import json
import time
from typing import Any

import redis

from rpa.distributed.broker import PREFIX

WORKERS = f"{PREFIX}workers"


def register(client: redis.Redis, name: str, info: dict[str, Any], ttl_s: float) -> None:
    pipe = client.pipeline()
    pipe.set(f"{PREFIX}worker:{name}", json.dumps({"name": name, "seen_at": time.time(), **info}), px=int(ttl_s * 1000))
    pipe.zadd(WORKERS, {name: time.time()})
    pipe.execute()


def unregister(client: redis.Redis, name: str) -> None:
    client.delete(f"{PREFIX}worker:{name}")
    client.zrem(WORKERS, name)


def live_workers(client: redis.Redis) -> list[dict[str, Any]]:
    """Every worker whose heartbeat has not lapsed; lapsed ones are dropped from the index."""
    names = [name.decode() for name in client.zrange(WORKERS, 0, -1)]
    if not names:
        return []
    infos = client.mget([f"{PREFIX}worker:{name}" for name in names])
    live, gone = [], []
    for name, info in zip(names, infos):
        if info is None:
            gone.append(name)
        else:
            live.append(json.loads(info))
    if gone:
        client.zrem(WORKERS, *gone)
    return sorted(live, key=lambda worker: worker["name"])
