from tests.flows.conftest import engine, engine_as, shared_state_dir  # noqa: F401  (the same engine fixtures)
