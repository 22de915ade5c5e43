"""Who may change the collection, decided on the server for every request (no Gradio in here).

- The secret is only ever held as a salted scrypt hash: read from `--admin-secret-file` (re-read when the
  file changes), or made in memory from `--admin-secret`. A given secret is always run through scrypt and
  compared with hmac.compare_digest, so neither its length nor how close it came shows in the answer or
  its timing.
- Logging in makes a random token (256 bits) that lives only in this process: the browser gets it as an
  HttpOnly cookie (ui/admin_http.py), and each admin action presents it again. It ends on logout, after
  `admin_idle_minutes` without use, `admin_session_hours` after login, when the secret changes, and when
  the server restarts. Only its SHA-256 is kept, so the server's memory holds no usable token.
- Failed secrets are counted per client address (Attempts): after FREE_FAILURES the address must wait,
  the wait doubling with each failure, and after LOCK_AFTER failures it is locked for LOCK_SECONDS. An
  attempt during a wait or a lock is refused without looking at the secret, so even the right one fails.
- Every login, logout, change and refusal is written to the audit trail (records.py) by `Admin.note`.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Config
from assistant.records import Records

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~16 MB and ~50 ms a check: slow to guess offline, cheap to log in
MAX_SECRET_CHARS = 1024  # longer input is wrong without being hashed
MAX_SESSIONS = 64  # admin logins held at once; the oldest is dropped beyond

FREE_FAILURES = 3  # failures from one address before it has to wait
MAX_WAIT_SECONDS = 64  # the wait doubles per failure after FREE_FAILURES: 1, 2, 4 … up to this
LOCK_AFTER = 10  # failures from one address that lock it
LOCK_SECONDS = 15 * 60
FORGET_SECONDS = 15 * 60  # an address's failures are forgotten this long after its last one

NO_ADMIN = "文档管理未开启：启动服务时设置管理密码（--admin-secret、--admin-secret-file 或环境变量 PLAN_ADMIN_SECRET）后，管理员可在此上传和删除文件。"
NEED_LOGIN = "请先输入管理密码登录（未登录、登录已过期或已退出）。"
WRONG = "管理密码不正确。"
TOO_SOON = "管理密码已错误 {failures} 次：请在 {seconds} 秒后再试。"
LOCKED = "管理密码连续错误 {failures} 次，此地址已被锁定：请在 {minutes} 分钟后再试。"
LOGGED_IN = "已登录为管理员：可以上传、删除文件和重新索引。"
LOGGED_OUT = "已退出管理员登录。"
RECORDS_BROKEN = "记录文件无法使用，管理员登录已暂停（操作须记入审计记录）：请服务器管理员查看服务日志。"
SECRET_FILE_BROKEN = "管理密码文件无法读取：请服务器管理员用 python -m assistant admin-secret 重新写入。"


class SecretFileError(Exception):
    """The secret file cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class SecretHash:
    salt: bytes
    digest: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P

    @classmethod
    def of(cls, secret: str) -> "SecretHash":
        salt = secrets.token_bytes(16)
        return cls(salt, _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P))

    def matches(self, given: object) -> bool:
        if not isinstance(given, str) or not given or len(given) > MAX_SECRET_CHARS:
            given = ""  # hashed all the same, so a refusal takes as long whatever was sent
        return hmac.compare_digest(_scrypt(given, self.salt, self.n, self.r, self.p), self.digest) and given != ""

    def line(self) -> str:
        b64 = base64.b64encode
        return f"scrypt${self.n}${self.r}${self.p}${b64(self.salt).decode()}${b64(self.digest).decode()}\n"

    @classmethod
    def parse(cls, text: str, where: str = "") -> "SecretHash":
        try:
            kind, n, r, p, salt, digest = text.strip().split("$")
            if kind != "scrypt":
                raise ValueError(kind)
            return cls(base64.b64decode(salt), base64.b64decode(digest), int(n), int(r), int(p))
        except ValueError:
            raise SecretFileError(f"{where}: not a secret file written by `python -m assistant admin-secret`") from None


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 2**20, dklen=32)


def write_secret_file(path: Path, secret: str) -> None:
    """Store `secret` as a salted scrypt hash in `path`, readable by its owner only (written atomically,
    so a server re-reading it never sees half a file)."""
    if not secret or len(secret) > MAX_SECRET_CHARS:
        raise SecretFileError(f"the secret must have 1 to {MAX_SECRET_CHARS} characters")
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(SecretHash.of(secret).line())
    os.replace(tmp, path)


class SecretSource:
    """The secret's hash as it is now: made once from a plain secret, or read from a file whenever the
    file's size or time changes. None when no secret is set (then nobody is admin)."""

    def __init__(self, plain: str = "", file: str = ""):
        self.file = Path(file) if file else None
        self._plain = SecretHash.of(plain) if plain and not file else None
        self._seen: tuple[int, int] | None = None
        self._hash: SecretHash | None = None
        self._lock = threading.Lock()
        if self.file is not None:
            self.current()  # a missing or malformed file is said at start, not at the first login

    def current(self) -> SecretHash | None:
        if self.file is None:
            return self._plain
        with self._lock:
            try:
                stat = self.file.stat()
            except OSError as exc:
                raise SecretFileError(f"{self.file}: cannot be read ({exc.strerror})") from None
            if (stat.st_mtime_ns, stat.st_size) != self._seen:
                self._hash = SecretHash.parse(self.file.read_text(encoding="utf-8"), str(self.file))
                self._seen = (stat.st_mtime_ns, stat.st_size)
            return self._hash


@dataclass(frozen=True)
class _Session:
    began: float
    seen: float
    secret: bytes  # the digest of the secret it logged in with: a changed secret ends it


class Attempts:
    """Failed secrets per client address: how long each must wait before its next attempt."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # address -> (failures, time of the last)
        self._lock = threading.Lock()

    def begin(self, client: str) -> str | None:
        """A refusal when `client` must still wait; otherwise the attempt counts as failed until
        `succeeded` says otherwise, so attempts sent in parallel wait like attempts in a row."""
        now = self.clock()
        with self._lock:
            failures, last = self._failures.get(client, (0, now))
            if now - last > FORGET_SECONDS and failures < LOCK_AFTER or now - last > LOCK_SECONDS:
                failures = 0
            if failures >= LOCK_AFTER:
                return LOCKED.format(failures=failures, minutes=max(1, round((last + LOCK_SECONDS - now) / 60)))
            wait = self.wait_after(failures) - (now - last)
            if failures and wait > 0:
                return TOO_SOON.format(failures=failures, seconds=max(1, round(wait)))
            self._failures[client] = (failures + 1, now)
            if len(self._failures) > 10_000:  # addresses that stopped long ago
                self._failures = {a: f for a, f in self._failures.items() if now - f[1] < LOCK_SECONDS}
        return None

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)

    @staticmethod
    def wait_after(failures: int) -> float:
        return 0.0 if failures < FREE_FAILURES else float(min(2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS))


@dataclass(frozen=True)
class Login:
    ok: bool
    message: str
    token: str = ""


class Admin:
    """Logins, their tokens and the audit trail for one server. `records` may be None (nothing written)."""

    def __init__(self, config: Config, records: Records | None = None, clock=time.monotonic, records_problem: str = ""):
        self.records_problem = records_problem  # the records file could not be opened: nobody logs in unaudited
        self.secret = SecretSource(config.admin_secret, config.admin_secret_file)
        self.idle = float(config.admin_idle_minutes) * 60
        self.lifetime = float(config.admin_session_hours) * 3600
        self.records = records
        self.clock = clock
        self.attempts = Attempts(clock)
        self._sessions: dict[str, _Session] = {}  # sha256 of the token -> its session
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.secret.file is not None or self.secret.current() is not None

    def login(self, client: str, given: object) -> Login:
        try:
            secret = self.secret.current()
        except SecretFileError as exc:  # deleted or overwritten while serving: said, not a traceback
            self.note(client, "login", "", f"refused: {exc}")
            return Login(False, SECRET_FILE_BROKEN)
        if secret is None:
            return Login(False, NO_ADMIN)
        if self.records_problem:
            return Login(False, RECORDS_BROKEN)
        refusal = self.attempts.begin(client)
        if refusal is not None:
            self.note(client, "login", "", "refused: " + ("locked" if "锁定" in refusal else "too soon"))
            return Login(False, refusal)
        if not secret.matches(given):
            self.note(client, "login", "", "refused: wrong secret")
            return Login(False, WRONG)
        self.attempts.succeeded(client)
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._sessions[_key(token)] = _Session(now, now, secret.digest)
            while len(self._sessions) > MAX_SESSIONS:
                del self._sessions[min(self._sessions, key=lambda k: self._sessions[k].seen)]
        self.note(client, "login", "", "ok")
        return Login(True, LOGGED_IN, token)

    def logout(self, client: str, token: object) -> str:
        with self._lock:
            ended = isinstance(token, str) and self._sessions.pop(_key(token), None) is not None
        self.note(client, "logout", "", "ok" if ended else "not logged in")
        return LOGGED_OUT

    def valid(self, token: object) -> bool:
        """Whether `token` is a live admin login now; using it keeps it alive (idle time starts again)."""
        if not isinstance(token, str) or not token:
            return False
        try:
            secret = self.secret.current()
        except SecretFileError:
            secret = None  # the file went missing or bad: nobody is admin until it is mended
        now, key = self.clock(), _key(token)
        with self._lock:
            if secret is None:
                self._sessions.clear()
                return False
            session = self._sessions.get(key)
            if session is None:
                return False
            if (session.secret != secret.digest or now - session.seen > self.idle
                    or now - session.began > self.lifetime):
                del self._sessions[key]
                return False
            self._sessions[key] = _Session(session.began, now, session.secret)
        return True

    def allows(self, token: object, client: str, action: str, target: str = "") -> bool:
        """Whether this request may do `action`; a refusal is recorded."""
        if self.valid(token):
            return True
        self.note(client, action, target, "refused: not logged in")
        return False

    def note(self, client: str, action: str, target: str, outcome: str) -> None:
        if self.records is not None:
            self.records.audit(client, action, target, outcome)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
