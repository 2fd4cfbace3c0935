"""JavaScript dialogs (`alert`, `confirm`, `prompt`, `beforeunload`): answered by policy, logged.

Playwright's default is to dismiss every dialog silently, which ends the session on a portal
whose "Your session is about to expire. Continue?" `confirm()` treats Cancel as "sign me out".
Every browser context of a session answers dialogs here instead: first the portal's own rules
(its selector map's `dialogs:` section), then the engine's defaults below, else `dismiss`, the
answer that confirms nothing a flow did not mean to confirm. Every dialog is logged and counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rpa.core.logs import get_logger
from rpa.portal.selectors import DialogRule

KEEP_SESSION = re.compile(
    r"^(?=.*\b(session|signed in|logged in|inactiv|idle|expir|time\s?out))(?=.*\b(continue|stay|extend|keep|remain|renew))",
    re.I | re.S,
)
DEFAULT_RULES = (
    DialogRule("accept", KEEP_SESSION, "confirm"),
    DialogRule("accept", None, "alert"),
    DialogRule("accept", None, "beforeunload"),
)
DEFAULT_ANSWER = "dismiss"


class DialogAnswerer:
    """A context's `dialog` listener: the first matching rule decides; `on_answer(type, answer)` counts."""

    def __init__(self, rules: tuple[DialogRule, ...], on_answer: Callable[[str, str], None] | None = None):
        self.rules = (*rules, *DEFAULT_RULES)
        self.on_answer = on_answer
        self._log = get_logger()

    def answer_for(self, dialog_type: str, message: str) -> str:
        rule = next((rule for rule in self.rules if rule.matches(dialog_type, message)), None)
        return rule.answer if rule else DEFAULT_ANSWER

    async def __call__(self, dialog: Any) -> None:
        answer = self.answer_for(dialog.type, dialog.message)
        self._log.info("dialog_answered", dialog=dialog.type, answer=answer, message=" ".join(dialog.message.split())[:200])
        if self.on_answer is not None:
            self.on_answer(dialog.type, answer)
        try:
            await (dialog.accept() if answer == "accept" else dialog.dismiss())
        except Exception as error:  # the page navigated or closed while the dialog was open
            self._log.info("dialog_gone", problem=str(error).splitlines()[0][:200])
