"""The web console for the billing office: lookups, the follow-up queue, the night's runs and the
audit log in a browser, over the same library the `rpa` command calls (docs/console.md).

    database   the console's SQLite file in the state folder, its schema versions
    users      staff accounts: roles, argon2 password hashes, lockout
    audit      the append-only log of who saw or looked up which patient or claim
    security   signed session cookies with idle expiry, CSRF, role checks
    lookups    one-off lookups through the engine, with progress while the portal answers
    followups  the follow-up lists of the latest runs as one worklist, with its state
    batches    runs in progress and resuming an interrupted one
    app        the FastAPI application; pages/ holds its routes, templates/ and static/ its HTML
"""
