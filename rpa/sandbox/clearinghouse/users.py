"""The clearinghouse's users and what it remembers about them between sign-ins: besides the
password, code and device state every portal keeps (`rpa.sandbox.auth`), a security answer with
its own lockout and the terms of use each user accepted once."""

from __future__ import annotations

import base64
import random
from collections import defaultdict
from dataclasses import dataclass

from rpa.sandbox.auth import MAX_PASSWORD_FAILURES, Accounts, PasswordCheck, PendingSignIn, PendingSignIns, User
from rpa.sandbox.clearinghouse.wording import SECURITY_QUESTION

_USERS = (
    # username, display name, city of birth (the security answer)
    ("demo", "Demo Biller", "Springfield"),
    ("biller1", "Dana Whitfield", "Cedar Rapids"),
    ("biller2", "Marcus Lee", "Baton Rouge"),
    ("biller3", "Priya Natarajan", "San Antonio"),
    ("biller4", "Tom Okafor", "Grand Rapids"),
    ("biller5", "Elena Ruiz", "Santa Fe"),
    ("biller6", "Sam Kowalski", "Milwaukee"),
    ("biller7", "Grace Kim", "Portland"),
    ("biller8", "Luis Ortega", "El Paso"),
)
_PASSWORD_WORDS = ("Bridge", "Prairie", "Harbor", "Granite", "Willow", "Beacon", "Orchard", "Lantern")


@dataclass(frozen=True)
class ClearinghouseUser(User):
    security_question: str = SECURITY_QUESTION
    security_answer: str = ""
    phone_last4: str = "0000"
    """Shown on the code-delivery page; codes never go to a phone here."""

    def as_dict(self) -> dict[str, str]:
        return {
            "username": self.username,
            "password": self.password,
            "totp_secret": self.totp_secret,
            "security_question": self.security_question,
            "security_answer": self.security_answer,
            "display_name": self.display_name,
        }


def seeded_users(seed: int) -> tuple[ClearinghouseUser, ...]:
    """The portal's users; derived from the seed because a sandbox has no secrets worth keeping."""
    rng = random.Random(f"clearinghouse-users-{seed}")
    users = []
    for username, display_name, city in _USERS:
        password = f"{rng.choice(_PASSWORD_WORDS)}{rng.randrange(1000):03d}#Cp"
        secret = base64.b32encode(rng.randbytes(20)).decode()
        phone = f"{rng.randrange(10**4):04d}"
        users.append(ClearinghouseUser(username, password, secret, display_name, security_answer=city, phone_last4=phone))
    return tuple(users)


class ClearinghouseAccounts(Accounts):
    """Accounts with security answers (three wrong ones lock, as three wrong passwords do) and
    terms of use accepted once per user until the sandbox is reset."""

    users: dict[str, ClearinghouseUser]

    def reset(self) -> None:
        super().reset()
        self.answer_failures: dict[str, int] = defaultdict(int)
        self.terms_accepted: set[str] = set()

    def check_answer(self, username: str, answer: str) -> PasswordCheck:
        """Case and spaces aside, as people type them."""
        if username in self.locked:
            return PasswordCheck.LOCKED
        if _normalized(answer) == _normalized(self.users[username].security_answer):
            self.answer_failures.pop(username, None)
            return PasswordCheck.ACCEPTED
        return self.count_failure(self.answer_failures, username)

    def answers_remaining(self, username: str) -> int:
        return MAX_PASSWORD_FAILURES - self.answer_failures[username]

    def unlock(self, username: str) -> bool:
        self.answer_failures.pop(username, None)
        return super().unlock(username)


@dataclass
class StagedSignIn(PendingSignIn):
    """A sign-in between its username and its session, and the steps it has passed."""

    password_ok: bool = False
    method_chosen: bool = False
    code_ok: bool = False
    answer_ok: bool = False


class StagedSignIns(PendingSignIns):
    record_type = StagedSignIn


def _normalized(answer: str) -> str:
    return " ".join(answer.split()).casefold()
