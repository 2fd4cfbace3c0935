"""One run over many machines: Celery with a Redis broker (docs/distributed.md, README "Many machines").

    coordinator (`rpa run --broker URL`)             workers (`rpa worker --broker URL`)
      validates, owns the run folder       ---->       Celery task `rpa.lookup` per work item
      enqueues one message per item      (Celery)      the same engine: PortalRun.process,
      drains the run's result stream     <----         sessions, retries, evidence
      (dedup by item id, append + fsync)  (stream)

- `broker`: the Celery app and its delivery settings, the Redis connection, key names.
- `shared`: what every worker of a credential shares through Redis: session leases (never
  more than the portal allows, whichever machine holds them), signed-in state encrypted with a
  key derived from the credential itself, one sign-in at a time while the password is
  unproven, a refused password, pacing per portal.
- `worker`: the worker process (a browser, session pools kept between items, a heartbeat).
- `coordinator`: enqueue, collect, write the run folder exactly once per item.
- `registry`: live workers and what they hold (`rpa workers`).

Messages carry the work item and the run's settings, never a credential or a cookie: each
worker reads its credentials from its own environment, keyring or secrets file.
"""
