"""`python -m rpa.sandbox serve --port 0`: the `rpa sandbox` commands, for child processes."""

from rpa.cli.sandbox import app

app(prog_name="python -m rpa.sandbox")
