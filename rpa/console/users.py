"""Staff accounts: a name, a role, an argon2 password hash, and a lockout after failed sign-ins.

Roles grow by what a person may see: a specialist looks claims and members up and works the
follow-up queue; a supervisor also reviews runs, checks the payers and reads the audit log; an
admin also manages the accounts. A password is never stored, only its argon2id hash (parameters
inside the hash, re-hashed at the next sign-in when they are raised). Repeated failures lock the
account for a while, and a locked account is refused even with the right password. Disabling an
account or resetting its password ends every session it has (`session_epoch`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rpa.console.database import ConsoleDatabase, now
from rpa.core.errors import InputError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
LOCK_AFTER_FAILURES = 5
LOCK_MINUTES = 15
NAME_PATTERN = "letters, digits, '.', '_' and '-' (up to 40)"


class Role(StrEnum):
    SPECIALIST = "specialist"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    active: bool
    session_epoch: int
    failed_sign_ins: int
    locked_until: str | None
    created_at: str
    last_sign_in: str | None

    @property
    def locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > now())


class SignInRefused(Exception):
    """Wrong name or password, a disabled or a locked account: the page says only that."""


class UserDirectory:
    def __init__(self, database: ConsoleDatabase, hasher: PasswordHasher | None = None):
        self.database = database
        self.hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None

    def add(self, name: str, role: Role | str, password: str) -> User:
        name = check_name(name)
        role = Role(role)
        check_password(password)
        with self.database.connect() as connection:
            if connection.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise InputError(f"user {name!r} exists already")
            connection.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                (name, role.value, self.hasher.hash(password), now()),
            )
        return self.get(name)

    def get(self, name: str) -> User:
        user = self.find(name)
        if user is None:
            raise InputError(f"no user {name!r} (see: rpa console users list)")
        return user

    def find(self, name: str) -> User | None:
        with self.database.connect() as connection:
            row = connection.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return _user(row) if row else None

    def list(self) -> list[User]:
        with self.database.connect() as connection:
            return [_user(row) for row in connection.execute("SELECT * FROM users ORDER BY name")]

    def set_active(self, name: str, active: bool) -> User:
        """Disabling ends the account's sessions at their next request; enabling also unlocks it."""
        user = self.get(name)
        with self.database.connect() as connection:
            connection.execute(
                "UPDATE users SET active = ?, session_epoch = session_epoch + ?, failed_sign_ins = 0, locked_until = NULL "
                "WHERE name = ?",
                (int(active), 0 if active else 1, user.name),
            )
        return self.get(user.name)

    def reset_password(self, name: str, password: str) -> User:
        """A new password ends the account's sessions and lifts a lockout."""
        user = self.get(name)
        check_password(password)
        with self.database.connect() as connection:
            connection.execute(
                "UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1, failed_sign_ins = 0, "
                "locked_until = NULL WHERE name = ?",
                (self.hasher.hash(password), user.name),
            )
        return self.get(user.name)

    def end_sessions(self, name: str) -> None:
        """Every session of the account ends at its next request (signing out does this)."""
        with self.database.connect() as connection:
            connection.execute("UPDATE users SET session_epoch = session_epoch + 1 WHERE name = ?", (name,))

    def authenticate(self, name: str, password: str) -> User:
        """The account, when the password is right and the account active and not locked; each
        failure counts, and the LOCK_AFTER_FAILURES-th locks the account for LOCK_MINUTES."""
        with self.database.connect() as connection:
            row = connection.execute("SELECT * FROM users WHERE name = ?", (name.strip(),)).fetchone()
        if row is None:
            if self._dummy_hash is None:
                self._dummy_hash = self.hasher.hash("an account that does not exist")
            self._verify(self._dummy_hash, password)  # the same work as for a real account
            raise SignInRefused(name)
        user = _user(row)
        right = self._verify(row["password_hash"], password)
        if not right or not user.active or user.locked:
            if user.active and not user.locked:
                self._count_failure(user)
            raise SignInRefused(name)
        with self.database.connect() as connection:
            connection.execute(
                "UPDATE users SET failed_sign_ins = 0, locked_until = NULL, last_sign_in = ? WHERE name = ?", (now(), user.name)
            )
            if self.hasher.check_needs_rehash(row["password_hash"]):
                connection.execute("UPDATE users SET password_hash = ? WHERE name = ?", (self.hasher.hash(password), user.name))
        return self.get(user.name)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self.hasher.verify(password_hash, password[:MAX_PASSWORD_LENGTH])
        except (VerificationError, InvalidHashError):
            return False

    def _count_failure(self, user: User) -> None:
        with self.database.connect() as connection:
            connection.execute("UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE name = ?", (user.name,))
            failures = connection.execute("SELECT failed_sign_ins FROM users WHERE name = ?", (user.name,)).fetchone()[0]
            if failures >= LOCK_AFTER_FAILURES:
                until = (datetime.now(UTC) + timedelta(minutes=LOCK_MINUTES)).strftime("%Y-%m-%dT%H:%M:%SZ")
                connection.execute("UPDATE users SET locked_until = ?, failed_sign_ins = 0 WHERE name = ?", (until, user.name))


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 40 or not all(ch.isalnum() or ch in "._-" for ch in name) or not name.isascii():
        raise InputError(f"user name {name!r}: use {NAME_PATTERN}")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"password: at most {MAX_PASSWORD_LENGTH} characters")


def _user(row) -> User:
    return User(
        name=row["name"],
        role=Role(row["role"]),
        active=bool(row["active"]),
        session_epoch=row["session_epoch"],
        failed_sign_ins=row["failed_sign_ins"],
        locked_until=row["locked_until"],
        created_at=row["created_at"],
        last_sign_in=row["last_sign_in"],
    )
