"""The compose smoke test: docker-compose.yml run on this machine, without a container engine.

No machine of this project has a container engine, so the compose file and the Dockerfile would
otherwise never run before a real deployment. This reproduces what `docker compose up --build`
would do, closely enough that the defects that matter show up:

- the image: the build context is copied as `.dockerignore` filters it (into a folder owned by
  root, as the image's files are), the build stage's RUN steps after `COPY . .` run in it (static
  files are collected there), and the virtual environment is made from requirements.txt alone,
  with a Python that any user may run, as the Dockerfile makes it (which must do the same):
  `pip install --no-deps`, then `pip check`, so a dependency requirements.txt does not pin fails
  the run, named, instead of being installed at whatever version is newest. The final stage's
  WORKDIR, ENV and USER are read: the processes run as a temporary non-root user made for the
  run, in the root-owned copy.
- the services: each one's command runs here with its environment (from `.env`-style secrets
  made for the run, and HOSTNAME empty, as podman leaves it with host networking), the
  hostnames of the other services and the published ports mapped to 127.0.0.1 and free ports,
  container paths mapped to the run's folders (named volumes start
  root-owned, unless the Dockerfile creates that folder for the image's user with
  `install -d -o USER`, as docker copies an image folder's owner into a new volume). The
  `postgres` and `redis` images are reproduced with this machine's PostgreSQL (a cluster of the
  run's own, with the image's POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB and password
  authentication) and Redis (a server of the run's own): nothing is shared with anything else.
- the order: services start as `depends_on` allows and no earlier, health checks are run as
  compose runs them, and among services that may start, those that do not migrate start first
  (the worst order compose could choose), so a service that can start before the migrations have
  run is caught: each one checks `manage.py migrate --check` the moment it starts.

Then it checks: the secrets come from `.env` (nothing hard-coded), exactly one service runs
beat and exactly one migrates (a one-shot service), the image ships no tests/, bench/ or docs/,
every long-running service has a health check and passes it, no long-running service stops,
migrations ran once, web answers `/health/` with database, cache and worker ok, beat writes its
schedule and fires the heartbeat, and a review saved through web shows in a dashboard computed
by the worker. Exit status 0 when everything holds; otherwise 1, with the reason and the logs.

Not reproduced: the read-only root filesystem (the non-root user and the root-owned copy stand
for it), resource limits, restart policies (a stopped service fails the run) and networks.

    bin/compose-smoke [--file docker-compose.yml] [--project-directory .] [--keep]
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import http.cookiejar
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
# The ports the reproduced images listen on inside their containers.
IMAGE_PORTS = {"postgres": 5432, "redis": 6379}
# What the base image's PATH is, for ENV PATH=...:$PATH in the Dockerfile.
BASE_IMAGE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
MUST_NOT_SHIP = ("tests", "bench", "docs", ".git", ".env", ".venv", ".ci")
DEMO_FACILITATOR = ("facilitator@demo.test", "casereview-demo")


class SmokeFailure(Exception):
    """A check failed: the message says which and why, for a person reading CI's log."""


def say(message: str) -> None:
    print(f"compose-smoke: {message}", flush=True)


# --- Reading the compose file -------------------------------------------------------------------

_VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value, environment: dict[str, str]):
    """Compose's variable substitution ($$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
    ${VAR:?error}, ${VAR?error}) on every string of the parsed file."""
    if isinstance(value, dict):
        return {key: interpolate(item, environment) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environment) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match):
        if match.group("escaped"):
            return "$"
        if match.group("named"):
            return environment.get(match.group("named"), "")
        expression = match.group("braced")
        found = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])(.*))?", expression, re.S)
        if not found:
            raise SmokeFailure(f"docker-compose.yml: cannot read the variable ${{{expression}}}.")
        name, colon, operator, argument = found.groups()
        present = name in environment and (environment[name] != "" or not colon)
        if present:
            return environment[name]
        if operator == "-":
            return argument
        if operator == "?":
            raise MissingVariable(name, argument)
        return ""

    return _VARIABLE.sub(substitute, value)


class MissingVariable(SmokeFailure):
    def __init__(self, name, message):
        super().__init__(f"{name} is required: {message}")
        self.name = name


def made_secrets() -> dict[str, str]:
    """What the README's one-time `.env` recipe makes: a secret key and a database password."""
    return {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": secrets.token_hex(24)}


def as_list(command) -> list[str]:
    if command is None:
        return []
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def environment_of(spec: dict) -> dict[str, str]:
    environment = spec.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) if "=" in item else (item, "") for item in environment)
    return {key: "" if value is None else str(value) for key, value in environment.items()}


def depends_on(spec: dict) -> dict[str, str]:
    dependencies = spec.get("depends_on") or {}
    if isinstance(dependencies, list):
        return {name: "service_started" for name in dependencies}
    return {name: (condition or {}).get("condition", "service_started") for name, condition in dependencies.items()}


def runs_beat(command: list[str]) -> bool:
    """`celery ... beat` or `celery ... worker --beat/-B`."""
    if "celery" not in " ".join(command[:3]):
        return False
    return "beat" in command or "--beat" in command or "-B" in command


def migrates(command: list[str]) -> bool:
    return bool(re.search(r"manage\.py\s+migrate\b", " ".join(command)))


def duration(value, default: float) -> float:
    """Compose durations: 15s, 1m30s, 500ms."""
    if value is None:
        return default
    seconds = 0.0
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", str(value)):
        seconds += float(amount) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]
    return seconds


@dataclass
class Service:
    name: str
    spec: dict

    @property
    def image(self) -> str | None:
        return self.spec.get("image") if "build" not in self.spec else None

    @property
    def command(self) -> list[str]:
        return as_list(self.spec.get("command"))

    @property
    def healthcheck(self) -> list[str] | None:
        check = self.spec.get("healthcheck") or {}
        test = check.get("test")
        if check.get("disable") or not test or (isinstance(test, list) and test[0] == "NONE"):
            return None
        if isinstance(test, str):
            return ["/bin/sh", "-c", test]
        if test[0] == "CMD-SHELL":
            return ["/bin/sh", "-c", " ".join(test[1:])]
        return [str(part) for part in (test[1:] if test[0] == "CMD" else test)]

    def healthcheck_timing(self) -> tuple[float, float]:
        """(timeout of one check, how long it may take to become healthy), as compose counts them."""
        check = self.spec.get("healthcheck") or {}
        interval = duration(check.get("interval"), 30)
        retries = int(check.get("retries", 3))
        return duration(check.get("timeout"), 30), duration(check.get("start_period"), 0) + interval * (retries + 1)


def read_compose(path: Path, environment: dict[str, str]) -> dict[str, Service]:
    try:
        raw = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as error:
        raise SmokeFailure(f"cannot read {path}: {error}") from error
    parsed = interpolate(raw, environment)
    return {name: Service(name, spec or {}) for name, spec in (parsed.get("services") or {}).items()}


def one_shots(services: dict[str, Service]) -> set[str]:
    """Services that run to completion: those another one waits for with service_completed_successfully."""
    return {
        name
        for service in services.values()
        for name, condition in depends_on(service.spec).items()
        if condition == "service_completed_successfully"
    }


def check_shape(path: Path) -> None:
    """What can be seen without running anything: secrets from .env, one beat, one migrate, a
    health check on every service that keeps running."""
    try:
        read_compose(path, {})
    except MissingVariable:
        pass
    else:
        raise SmokeFailure(
            "docker-compose.yml starts without a .env: SECRET_KEY and POSTGRES_PASSWORD must be "
            "required from it (${SECRET_KEY:?...}), never made up or written into the file."
        )
    first, second = made_secrets(), made_secrets()
    one, other = read_compose(path, first), read_compose(path, second)
    for name, service in one.items():
        if service.image is None and environment_of(service.spec).get("SECRET_KEY") == environment_of(
            other[name].spec
        ).get("SECRET_KEY"):
            raise SmokeFailure(f"{name}: SECRET_KEY does not come from .env (it is the same whatever .env says).")
        if (service.image or "").startswith("postgres") and environment_of(service.spec).get(
            "POSTGRES_PASSWORD"
        ) == environment_of(other[name].spec).get("POSTGRES_PASSWORD"):
            raise SmokeFailure(f"{name}: the database password is written into docker-compose.yml; take it from .env.")
        if service.image is None and first["POSTGRES_PASSWORD"] not in environment_of(service.spec).get(
            "DATABASE_URL", ""
        ):
            raise SmokeFailure(f"{name}: DATABASE_URL does not use the database password from .env.")

    beats = [service for service in one.values() if runs_beat(service.command)]
    if not beats:
        raise SmokeFailure(
            "no service runs celery beat: the worker heartbeat, the stale-report sweep and the "
            "nightly retention job would never run."
        )
    if len(beats) > 1 or any("worker" in service.command for service in beats):
        raise SmokeFailure(
            "beat must run once, as a service of its own: " + ", ".join(service.name for service in beats) + " run it."
        )
    replicas = (beats[0].spec.get("deploy") or {}).get("replicas", 1)
    if int(replicas) != 1:
        raise SmokeFailure(
            f"{beats[0].name} runs beat with {replicas} replicas: every job would be sent {replicas} times."
        )

    migrating = [service for service in one.values() if migrates(service.command)]
    finishing = one_shots(one)
    if len(migrating) != 1 or migrating[0].name not in finishing:
        raise SmokeFailure(
            "exactly one service must run the migrations, as a one-shot that the others wait for "
            "(condition: service_completed_successfully); now: "
            + (", ".join(service.name for service in migrating) or "none")
            + "."
        )
    for service in one.values():
        if service.name not in finishing and service.healthcheck is None:
            raise SmokeFailure(f"{service.name} keeps running but has no health check.")
        for text in (" ".join(service.command), " ".join(service.healthcheck or [])):
            if re.search(r"\$\{?HOSTNAME\b", text):
                raise SmokeFailure(
                    f"{service.name} relies on $HOSTNAME, which is empty under podman with host networking "
                    f"(a ping to celery@$HOSTNAME finds no node): {text}"
                )


# --- Reading the Dockerfile and the build context -----------------------------------------------


@dataclass
class Stage:
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)


def read_dockerfile(path: Path) -> list[Stage]:
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            found = re.search(r"\bAS\s+(\S+)", rest, re.I)
            stages.append(Stage(found.group(1) if found else None))
        elif stages:
            stages[-1].instructions.append((keyword, rest.strip()))
    if not stages:
        raise SmokeFailure(f"{path}: no FROM line.")
    return stages


@dataclass
class Image:
    workdir: str
    user: str
    environment: dict[str, str]
    owned_folders: dict[str, str]  # folder -> owner, for folders the image makes for its user
    build_steps: list[str]  # the build stage's RUN commands after COPY . .


def image_of(dockerfile: Path) -> Image:
    stages = read_dockerfile(dockerfile)
    final = stages[-1]
    workdir, user, environment, owned = "/", "root", {"PATH": BASE_IMAGE_PATH}, {}
    for keyword, rest in final.instructions:
        if keyword == "WORKDIR":
            workdir = rest
        elif keyword == "USER":
            user = rest.split(":")[0]
        elif keyword == "ENV":
            for item in shlex.split(rest):
                name, _, value = item.partition("=")
                environment[name] = re.sub(r"\$\{?(\w+)\}?", lambda match: environment.get(match.group(1), ""), value)
        elif keyword == "RUN":
            for part in re.split(r"&&|;", rest):
                words = shlex.split(part)
                if words[:1] == ["install"] and "-d" in words and "-o" in words:
                    owner = words[words.index("-o") + 1]
                    skip = {words.index(flag) + 1 for flag in ("-o", "-g", "-m") if flag in words}
                    for index, word in enumerate(words[1:], start=1):
                        if not word.startswith("-") and index not in skip:
                            owned[word.rstrip("/")] = owner
    if user in ("root", "0"):
        raise SmokeFailure(f"{dockerfile}: the image runs as root; it must end with USER and a non-root user.")
    copying = next((stage for stage in stages if ("COPY", ". .") in stage.instructions), None)
    steps = []
    if copying:
        after = copying.instructions[copying.instructions.index(("COPY", ". .")) + 1 :]
        steps = [rest for keyword, rest in after if keyword == "RUN"]
    return Image(workdir, user, environment, owned, steps)


def _pattern(pattern: str) -> re.Pattern:
    """A .dockerignore pattern as docker reads it (Go's filepath.Match, plus ** for any folders)."""
    pattern = os.path.normpath(pattern.strip().lstrip("/"))
    out, index = "", 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**", index):
            index += 2
            if pattern.startswith("/", index):
                index += 1
                out += "(?:.*/)?"
            else:
                out += ".*"
            continue
        if char == "*":
            out += "[^/]*"
        elif char == "?":
            out += "[^/]"
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out += re.escape(char)
            else:
                body = pattern[index + 1 : end]
                out += "[" + ("^" + body[1:] if body.startswith("^") else body) + "]"
                index = end
        else:
            out += re.escape(char)
        index += 1
    return re.compile(out + r"\Z")


def read_dockerignore(context: Path) -> list[tuple[bool, re.Pattern, str]]:
    path = context / ".dockerignore"
    rules = []
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            keep = line.startswith("!")
            text = line[1:] if keep else line
            rules.append((keep, _pattern(text), os.path.normpath(text.strip().lstrip("/"))))
    return rules


def ignored(relative: str, rules) -> bool:
    """Docker's rule: the last pattern that matches the path or one of its parent folders wins."""
    parents = [relative]
    while "/" in parents[-1]:
        parents.append(parents[-1].rsplit("/", 1)[0])
    result = False
    for keep, pattern, _ in rules:
        if any(pattern.match(path) for path in parents):
            result = not keep
    return result


def context_files(context: Path) -> list[str]:
    """The files `COPY . .` puts in the image, relative to the build context."""
    rules = read_dockerignore(context)
    exceptions = [text for keep, _, text in rules if keep]
    files = []
    for folder, folders, names in os.walk(context):
        relative_folder = os.path.relpath(folder, context)
        prefix = "" if relative_folder == "." else relative_folder + "/"
        # Do not walk into an ignored folder unless an exception could let something in it back.
        folders[:] = sorted(
            name
            for name in folders
            if not ignored(prefix + name, rules) or any(text.startswith(prefix + name + "/") for text in exceptions)
        )
        files += [prefix + name for name in sorted(names) if not ignored(prefix + name, rules)]
    return files


# --- Running things -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def world_can_run(path: str) -> bool:
    """Whether a user other than its owner can run ``path`` (every folder above it must let them in)."""
    real = Path(os.path.realpath(path))
    return all(parent.stat().st_mode & 0o001 for parent in real.parents) and bool(real.stat().st_mode & 0o001)


def pinned_install(pip: Path, requirements: Path) -> list[str]:
    """The image's install (the Dockerfile's rule too): exactly the pinned set, nothing pip would
    add of its own accord. Whatever a package needs that requirements.txt lacks is then missing,
    which check_nothing_unpinned reports, instead of being installed at whatever version is newest."""
    return [str(pip), "install", "--quiet", "--disable-pip-version-check", "--no-deps", "-r", str(requirements)]


def check_nothing_unpinned(pip: Path, python: str, version: bytes) -> None:
    """`pip check` after the --no-deps install: a dependency not in requirements.txt fails the run,
    named (some are needed by some Pythons only, e.g. async-timeout by redis before 3.11.3)."""
    done = subprocess.run([str(pip), "check", "--disable-pip-version-check"], capture_output=True, text=True)
    if done.returncode == 0:
        return
    missing = sorted(set(re.findall(r"requires (\S+?),? which is not installed", done.stdout)))
    raise SmokeFailure(
        "requirements.txt does not pin everything its packages need on "
        f"{python} ({version.decode().split()[0]})"
        + (f": {', '.join(missing)} unpinned" if missing else "")
        + ". Add it to requirements.in (see its header) and run pip-compile.\n"
        + done.stdout.strip()
    )


def check_pinned_install_in(dockerfile: Path) -> None:
    """The Dockerfile installs as this run does: --no-deps, then pip check."""
    commands = [
        rest for stage in read_dockerfile(dockerfile) for keyword, rest in stage.instructions if keyword == "RUN"
    ]
    installs = [command for command in commands if re.search(r"\bpip install\b", command)]
    if not installs or not all("--no-deps" in command for command in installs):
        raise SmokeFailure(
            f"{dockerfile}: pip install must take --no-deps (exactly requirements.txt, nothing added): {installs}"
        )
    if not any(re.search(r"\bpip check\b", command) for command in commands):
        raise SmokeFailure(f"{dockerfile}: after its --no-deps install, the build must run pip check.")


def image_python() -> str:
    """A Python 3.11+ with venv that the run's user may run (a pyenv under /root would not do)."""
    candidates = [
        os.path.realpath(getattr(sys, "_base_executable", sys.executable)),
        "/usr/local/bin/python3",
        "/usr/bin/python3",
    ]
    for candidate in candidates:
        if not os.path.exists(candidate) or (os.geteuid() == 0 and not world_can_run(candidate)):
            continue
        check = subprocess.run(
            [candidate, "-c", "import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))"], capture_output=True
        )
        if check.returncode == 0:
            return candidate
    raise SmokeFailure(
        "no Python 3.11+ with venv that a non-root user may run (on Debian: apt-get install python3-venv)."
    )


@contextlib.contextmanager
def locked(path: Path):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()[:16]


class Run:
    """One run of the compose file: its folder, user, servers and processes, all removed at the end."""

    def __init__(self, compose_file: Path, project_directory: Path, keep: bool = False):
        self.compose_file = compose_file
        self.project = project_directory
        self.keep = keep
        self.as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="casereview-compose-smoke-"))
        self.folder.chmod(0o755)
        self.cache = Path(os.environ.get("COMPOSE_SMOKE_CACHE", f"/var/tmp/casereview-compose-smoke-{os.geteuid()}"))
        self.secrets = made_secrets()
        self.user = None
        self.uid = self.gid = None
        self.processes: dict[str, subprocess.Popen] = {}
        self.exited: dict[str, int] = {}
        self.healthy: set[str] = set()
        self.started_at: dict[str, datetime] = {}
        self.ports: dict[tuple[str, int], int] = {}
        self.paths: dict[str, dict[str, Path]] = {}
        self.services: dict[str, Service] = {}
        self.one_shots: set[str] = set()
        self.image: Image | None = None
        self.app = self.venv = None
        self.base_url = None

    # -- the image --

    def build(self) -> None:
        self.cache.mkdir(mode=0o755, parents=True, exist_ok=True)
        if self.cache.is_symlink() or self.cache.stat().st_uid != os.geteuid():
            raise SmokeFailure(
                f"{self.cache} belongs to someone else; set COMPOSE_SMOKE_CACHE to a folder of your own."
            )
        self.cache.chmod(0o755)
        dockerfile = self.project / "Dockerfile"
        self.image = image_of(dockerfile)
        check_pinned_install_in(dockerfile)
        files = context_files(self.project)
        shipped = sorted({path.split("/")[0] for path in files} & set(MUST_NOT_SHIP))
        if shipped:
            raise SmokeFailure(f"the image would ship {', '.join(shipped)}: .dockerignore must keep them out.")
        self.venv = self._venv()
        key = sha256(
            dockerfile.read_bytes(),
            str(self.venv).encode(),
            *(path.encode() + b"\0" + (self.project / path).read_bytes() for path in files),
        )
        self.app = self.cache / f"app-{key}"
        with locked(self.cache / f"app-{key}.lock"):
            if not (self.app / ".smoke-built").exists():
                say(
                    f"building the image's {self.image.workdir} "
                    "(copy of the context as .dockerignore filters it, then the build steps)"
                )
                shutil.rmtree(self.app, ignore_errors=True)
                for path in files:
                    target = self.app / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(self.project / path, target)
                for step in self.image.build_steps:
                    command = self._map_paths(step, {"/opt/venv": self.venv, self.image.workdir: self.app})
                    done = subprocess.run(
                        ["/bin/sh", "-c", command],
                        cwd=self.app,
                        capture_output=True,
                        text=True,
                        env={"PATH": f"{self.venv}/bin:{BASE_IMAGE_PATH}", "LANG": "C.UTF-8"},
                    )
                    if done.returncode != 0:
                        raise SmokeFailure(f"the image's build step failed: RUN {step}\n{done.stdout}{done.stderr}")
                (self.app / ".smoke-built").write_text(datetime.now(timezone.utc).isoformat())
        for stale in self.cache.glob("app-*"):
            if stale.is_dir() and stale != self.app and time.time() - stale.stat().st_mtime > 86400:
                shutil.rmtree(stale, ignore_errors=True)
        os.utime(self.app)

    def _venv(self) -> Path:
        python = image_python()
        requirements_file = self.project / "requirements.txt"
        version = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True).stdout
        # The install command is part of the key: a venv made by another rule is not reused.
        install = " ".join(pinned_install(Path("pip"), Path("requirements.txt"))).encode()
        venv = self.cache / f"venv-{sha256(requirements_file.read_bytes(), python.encode(), version, install)}"
        with locked(self.cache / f"{venv.name}.lock"):
            if not (venv / ".smoke-built").exists():
                say(
                    f"making the image's virtual environment from requirements.txt with {python} "
                    "(once per requirements)"
                )
                shutil.rmtree(venv, ignore_errors=True)
                for command in [[python, "-m", "venv", str(venv)], pinned_install(venv / "bin/pip", requirements_file)]:
                    done = subprocess.run(command, capture_output=True, text=True)
                    if done.returncode != 0:
                        raise SmokeFailure(
                            f"could not make the virtual environment: {' '.join(command)}\n{done.stderr[-3000:]}"
                        )
                check_nothing_unpinned(venv / "bin/pip", python, version)
                (venv / ".smoke-built").write_text("")
        return venv

    def make_user(self) -> None:
        """The image's non-root user, for this run only (the current user when not root)."""
        if not self.as_root:
            self.uid, self.gid = os.getuid(), os.getgid()
            return
        name = f"crsmoke{secrets.token_hex(4)}"
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            check=True,
            capture_output=True,
        )
        self.user = name
        import pwd

        entry = pwd.getpwnam(name)
        self.uid, self.gid = entry.pw_uid, entry.pw_gid

    # -- the services --

    def prepare(self) -> None:
        self.services = read_compose(self.compose_file, self.secrets)
        self.one_shots = one_shots(self.services)
        for name, service in self.services.items():
            image = service.image
            if image is not None and image.split(":")[0] not in IMAGE_PORTS:
                raise SmokeFailure(f"{name}: bin/compose-smoke cannot reproduce the image {image}.")
            listening = [IMAGE_PORTS[image.split(":")[0]]] if image else []
            for port in service.spec.get("ports") or []:
                listening.append(int(str(port).split(":")[-1].split("/")[0]))
            for command_port in re.findall(r"0\.0\.0\.0:(\d+)", " ".join(service.command)):
                listening.append(int(command_port))
            for port in set(listening):
                self.ports[(name, port)] = free_port()
            self.paths[name] = self._folders(service)
        self.base_url = next(
            f"http://127.0.0.1:{host_port}"
            for (name, port), host_port in self.ports.items()
            if self.services[name].image is None
        )

    def _folders(self, service: Service) -> dict[str, Path]:
        """Where the service's container paths are on this machine: named volumes and tmpfs."""
        paths = {}
        for volume in service.spec.get("volumes") or []:
            source, _, target = str(volume).partition(":")
            target = target.split(":")[0]
            if "/" in source or source.startswith("."):
                raise SmokeFailure(f"{service.name}: bind mounts ({volume}) are not reproduced; use a named volume.")
            folder = self.folder / "volumes" / source
            if not folder.exists():
                folder.mkdir(parents=True)
                owner = self.image.owned_folders.get(target.rstrip("/")) if service.image is None else None
                if service.image is None and owner is not None and owner == self.image.user:
                    os.chown(folder, self.uid, self.gid)
                    folder.chmod(0o700)
                elif service.image is not None:
                    os.chown(folder, self.uid, self.gid)  # the images' own users own their data folders
            paths[target] = folder
        for target in service.spec.get("tmpfs") or []:
            folder = self.folder / "tmpfs" / service.name / target.strip("/").replace("/", "_")
            folder.mkdir(parents=True)
            folder.chmod(0o1777)
            paths[target] = folder
        return paths

    @staticmethod
    def _map_paths(text: str, paths: dict[str, Path]) -> str:
        # One pass, longest path first, so a path already mapped (e.g. under /tmp) is not mapped again.
        mapped = {container.rstrip("/"): str(host) for container, host in paths.items()}
        alternatives = "|".join(re.escape(container) for container in sorted(mapped, key=len, reverse=True))
        return re.sub(rf"(?<![\w/.])({alternatives})(?=[/'\"\s*:]|$)", lambda match: mapped[match.group(1)], text)

    def _map(self, service: Service, text: str) -> str:
        """Container paths, service hostnames and ports, as they are on this machine."""
        if service.image is None:
            text = self._map_paths(
                text, {**self.paths[service.name], "/opt/venv": self.venv, self.image.workdir: self.app}
            )
        for (name, port), host_port in self.ports.items():
            text = re.sub(rf"(?<![\w.-]){re.escape(name)}:{port}(?!\d)", f"127.0.0.1:{host_port}", text)
            published = any(
                str(entry).split(":")[0] == str(port) for entry in self.services[name].spec.get("ports") or []
            )
            if name == service.name or published:
                text = re.sub(
                    rf"(?<![\w.-])(?:0\.0\.0\.0|127\.0\.0\.1|localhost):{port}(?!\d)", f"127.0.0.1:{host_port}", text
                )
        return text

    def environment(self, service: Service) -> dict[str, str]:
        # HOSTNAME empty, as podman leaves it with host networking (docker sets the container's id):
        # a command or health check that needs it fails here too.
        environment = {"LANG": "C.UTF-8", "HOSTNAME": "", "HOME": "/nonexistent"}
        if service.image is None:
            environment |= {name: self._map(service, value) for name, value in self.image.environment.items()}
        else:
            environment["PATH"] = BASE_IMAGE_PATH
        environment |= {name: self._map(service, value) for name, value in environment_of(service.spec).items()}
        if "/tmp" in self.paths[service.name]:
            environment["TMPDIR"] = str(self.paths[service.name]["/tmp"])
        return environment

    def _popen(self, service: Service, argv: list[str], **options) -> subprocess.Popen:
        as_user = {"user": self.uid, "group": self.gid, "extra_groups": []} if self.as_root else {}
        return subprocess.Popen(
            argv,
            cwd=self.app if service.image is None else self.folder,
            env=self.environment(service),
            start_new_session=True,
            **as_user,
            **options,
        )

    def exec_in(self, name: str, argv: list[str], timeout: float = 300) -> subprocess.CompletedProcess:
        """What `docker compose exec NAME ARGV` would do."""
        service = self.services[name]
        process = self._popen(
            service,
            [self._map(service, part) for part in argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            return subprocess.CompletedProcess(argv, -9, output + f"\n(killed after {timeout} s)")
        return subprocess.CompletedProcess(argv, process.returncode, output)

    def start(self, name: str) -> None:
        service = self.services[name]
        if service.image is None and not migrates(service.command):
            # The compose file let this service start now: were the migrations done by then?
            check = self.exec_in(name, ["python", "manage.py", "migrate", "--check", "--plan"], timeout=120)
            if check.returncode != 0:
                raise SmokeFailure(
                    f"{name} starts before the migrations have run: nothing in its depends_on waits for them "
                    f"(condition: service_completed_successfully on the migrating service).\n"
                    f"manage.py migrate --check --plan said:\n{_shortened(check.stdout)}"
                )
        log = open(self.folder / f"{name}.log", "w")
        say(f"starting {name}")
        self.started_at[name] = datetime.now(timezone.utc)
        if service.image and service.image.startswith("postgres"):
            self.processes[name] = self._start_postgres(service, log)
        elif service.image and service.image.startswith("redis"):
            folder = self.paths[name].get("/data", self.folder)
            argv = service.command or ["redis-server"]
            argv = argv + [
                "--port",
                str(self.ports[(name, 6379)]),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(folder),
                "--daemonize",
                "no",
            ]
            self.processes[name] = self._popen(service, argv, stdout=log, stderr=subprocess.STDOUT)
        else:
            argv = [self._map(service, part) for part in service.command]
            self.processes[name] = self._popen(service, argv, stdout=log, stderr=subprocess.STDOUT)

    def _start_postgres(self, service: Service, log) -> subprocess.Popen:
        """The postgres image: a cluster with its POSTGRES_USER (password authentication over TCP),
        POSTGRES_PASSWORD and POSTGRES_DB, run by this machine's PostgreSQL as the postgres user."""
        environment = environment_of(service.spec)
        user = environment.get("POSTGRES_USER", "postgres")
        database = environment.get("POSTGRES_DB", user)
        binaries = Path(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        )
        data = self.paths[service.name].get("/var/lib/postgresql/data", self.folder / "pgdata") / "pgdata"
        sockets = self.folder / "pgsockets"
        password_file = self.folder / "pgpassword"
        sockets.mkdir()
        password_file.write_text(environment["POSTGRES_PASSWORD"])
        as_postgres = {"user": "postgres", "group": "postgres", "extra_groups": []} if self.as_root else {}
        for path in (data.parent, sockets, password_file):
            if self.as_root:
                shutil.chown(path, "postgres", "postgres")
        subprocess.run(
            [
                binaries / "initdb",
                "-D",
                data,
                "-U",
                user,
                "--pwfile",
                password_file,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
            ],
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
            **as_postgres,
        )
        password_file.unlink()
        port = self.ports[(service.name, 5432)]
        process = subprocess.Popen(
            [binaries / "postgres", "-D", data, "-p", str(port), "-k", sockets, "-c", "listen_addresses=127.0.0.1"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **as_postgres,
        )
        self._wait(
            lambda: (
                subprocess.run(["pg_isready", "-q", "-h", str(sockets), "-p", str(port), "-U", user]).returncode == 0
            ),
            60,
            "PostgreSQL to accept connections",
        )
        if database != "postgres":
            subprocess.run(
                [binaries / "createdb", "-h", sockets, "-p", str(port), "-U", user, "-O", user, database],
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
                **as_postgres,
            )
        return process

    def check_health(self, name: str) -> bool:
        service = self.services[name]
        argv = service.healthcheck
        if service.image and service.image.startswith("redis"):
            port = str(self.ports[(name, 6379)])
            argv = [
                part.replace("redis-cli", f"redis-cli -p {port}") if argv[0] == "/bin/sh" else part for part in argv
            ]
            if argv[0] == "redis-cli":
                argv = ["redis-cli", "-p", port, *argv[1:]]
        argv = [self._map(service, part) for part in argv]
        process = (
            self._popen(service, argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if not (service.image and service.image.startswith("postgres"))
            else subprocess.Popen(
                argv,
                env={
                    **self.environment(service),
                    "PGHOST": "127.0.0.1",
                    "PGPORT": str(self.ports[(name, 5432)]),
                    "PGPASSWORD": environment_of(service.spec)["POSTGRES_PASSWORD"],
                },
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        )
        try:
            process.communicate(timeout=service.healthcheck_timing()[0])
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return False
        return process.returncode == 0

    # -- waiting, and noticing what stopped --

    def _watch(self) -> None:
        for name, process in self.processes.items():
            code = process.poll()
            if code is None or name in self.exited:
                continue
            self.exited[name] = code
            if name not in self.one_shots:
                raise SmokeFailure(f"{name} stopped (exit status {code}); its log ends:\n{self.log_tail(name)}")
            say(f"{name} finished with exit status {code}")

    def _wait(self, condition, seconds: float, what: str) -> None:
        deadline = time.monotonic() + seconds
        while True:
            self._watch()
            if condition():
                return
            if time.monotonic() > deadline:
                raise SmokeFailure(f"waited {seconds:.0f} s for {what}.")
            time.sleep(0.5)

    def up(self) -> None:
        """Start every service in an order compose could choose, the worst one: as soon as its
        depends_on allow, services that do not migrate before those that do."""
        waiting = dict(self.services)
        health_deadlines: dict[str, float] = {}
        deadline = time.monotonic() + 900
        while waiting or len(self.healthy) + len(self.exited) < len(self.services):
            self._watch()
            for name in list(self.processes):
                service = self.services[name]
                if name in self.healthy or name in self.exited or service.healthcheck is None:
                    continue
                if self.check_health(name):
                    say(f"{name} is healthy")
                    self.healthy.add(name)
                elif time.monotonic() > health_deadlines[name]:
                    raise SmokeFailure(f"{name} never passed its health check; its log ends:\n{self.log_tail(name)}")
            for name in [
                name for name in self.processes if self.services[name].healthcheck is None and name not in self.healthy
            ]:
                if name not in self.one_shots:
                    self.healthy.add(name)
            ready = [
                name
                for name, service in waiting.items()
                if all(self._satisfied(d, c) for d, c in depends_on(service.spec).items())
            ]
            # A migrating service waits while any service that does not depend on it is yet to start.
            held = {
                name
                for name in ready
                if migrates(self.services[name].command)
                and any(
                    not migrates(self.services[other].command) and not self._needs(other, name) for other in waiting
                )
            }
            ready = [name for name in ready if name not in held]
            if ready:
                name = sorted(ready, key=lambda name: migrates(self.services[name].command))[0]
                del waiting[name]
                self.start(name)
                health_deadlines[name] = time.monotonic() + self.services[name].healthcheck_timing()[1]
                continue
            if time.monotonic() > deadline:
                raise SmokeFailure(
                    "the services did not all start within 15 minutes: waiting for " + ", ".join(waiting)
                )
            time.sleep(0.5)

    def _needs(self, name: str, dependency: str) -> bool:
        """Whether ``name`` waits for ``dependency``, directly or through another service."""
        direct = depends_on(self.services[name].spec)
        return dependency in direct or any(self._needs(other, dependency) for other in direct if other in self.services)

    def _satisfied(self, dependency: str, condition: str) -> bool:
        if dependency not in self.services:
            raise SmokeFailure(f"depends_on names {dependency}, which is not a service.")
        if condition == "service_completed_successfully":
            if dependency in self.exited and self.exited[dependency] != 0:
                raise SmokeFailure(
                    f"{dependency} failed (exit status {self.exited[dependency]}); its log ends:\n"
                    f"{self.log_tail(dependency)}"
                )
            return self.exited.get(dependency) == 0
        if condition == "service_healthy":
            return dependency in self.healthy
        return dependency in self.processes

    # -- the checks --

    def check_everything(self) -> None:
        migrating = [name for name, service in self.services.items() if migrates(service.command)][0]
        check = self.exec_in(migrating, ["python", "manage.py", "migrate", "--check"])
        if check.returncode != 0:
            raise SmokeFailure(f"after {migrating} finished, migrations are still unapplied:\n{check.stdout[-2000:]}")
        say(f"migrations ran once, in {migrating}, before web, worker and beat started")
        web = next(name for name, service in self.services.items() if "gunicorn" in " ".join(service.command))
        self.check_static_files()
        self.check_review_reaches_dashboard(web)
        self.check_health_page_and_beat()
        self.check_logs_hold_no_errors()

    def check_logs_hold_no_errors(self) -> None:
        """An error logged by web, worker or beat is a defect even when every check above passed
        (e.g. gunicorn failing to make its control socket in a home the image's user lacks)."""
        problems = []
        for name, service in self.services.items():
            path = self.folder / f"{name}.log"
            if service.image is None and path.exists():
                problems += [
                    f"{name}: {line.strip()}"
                    for line in path.read_text(errors="replace").splitlines()
                    if re.search(r"Traceback|\[ERROR\]|ERROR/|CRITICAL", line)
                ]
        if problems:
            raise SmokeFailure("errors in the services' logs:\n" + "\n".join(problems[:20]))
        say(
            "no errors in the logs of "
            + ", ".join(name for name, service in self.services.items() if service.image is None)
        )

    def _http(self, opener, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with opener.open(urllib.request.Request(self.base_url + path, data=body), timeout=30) as response:
                return response.status, response.geturl(), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode(errors="replace")

    def check_static_files(self) -> None:
        opener = urllib.request.build_opener()
        status, _, page = self._http(opener, "/accounts/login/")
        asset = re.search(r'href="(/static/[^"]+\.css)"', page)
        if status != 200 or not asset:
            raise SmokeFailure(f"the sign-in page answered {status} without a stylesheet.")
        status, _, _ = self._http(opener, asset.group(1))
        if status != 200:
            raise SmokeFailure(f"{asset.group(1)} answered {status}: static files were not collected in the image.")
        say(f"web serves the static files collected at build ({asset.group(1)})")

    def check_review_reaches_dashboard(self, web: str) -> None:
        loaded = self.exec_in(web, ["python", "manage.py", "demo", "--force"])
        if loaded.returncode != 0:
            raise SmokeFailure(f"manage.py demo --force failed in {web}:\n{loaded.stdout[-3000:]}")
        found = self.exec_in(
            web,
            [
                "python",
                "manage.py",
                "shell",
                "-c",
                (
                    "import json; from workshops.models import CaseAllocation; "
                    # A case only this room reviews: a calibration or doubled case's review stays
                    # out of a facilitator's figures until every room has answered (sealed).
                    "a = CaseAllocation.objects.filter("
                    "room__facilitators__email='facilitator@demo.test', review__isnull=True, "
                    "kind='first', calibration=False, other_allocations__isnull=True"
                    ").order_by('pk').first(); "
                    "print(json.dumps({'workshop': a.workshop_id, 'room': a.room_id, 'allocation': a.pk}))"
                ),
            ],
        )
        if found.returncode != 0:
            raise SmokeFailure(f"could not find a case to review:\n{found.stdout[-3000:]}")
        case = json.loads(found.stdout.strip().splitlines()[-1])

        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        status, _, page = self._http(opener, "/accounts/login/")
        email, password = DEMO_FACILITATOR
        status, url, page = self._http(
            opener, "/accounts/login/", {"csrfmiddlewaretoken": _token(page), "username": email, "password": password}
        )
        if status != 200 or "/accounts/login/" in url:
            raise SmokeFailure(f"signing in as {email} through web failed (HTTP {status}, at {url}).")

        dashboard = f"/dashboards/workshops/{case['workshop']}/"
        before = self._up_to_date_count(opener, dashboard, 120)
        case_page = f"/rooms/{case['room']}/cases/{case['allocation']}/"
        status, _, page = self._http(opener, case_page)
        version = re.search(r'name="version" value="(\d+)"', page)
        theme = re.search(r'name="themes" value="(\d+)"', page)
        if status != 200 or not version or not theme:
            raise SmokeFailure(f"{case_page} answered {status} without the review form.")
        # What a facilitator sends for an ideal outcome: the answer, one theme, the version they saw.
        status, url, page = self._http(
            opener,
            case_page + "review/",
            {
                "csrfmiddlewaretoken": _token(page),
                "action": "save",
                "version": version.group(1),
                "ideal_outcome": "yes",
                "themes": theme.group(1),
                "notes": "",
            },
        )
        if status != 200 or "Saved " not in page:
            raise SmokeFailure(f"saving a review through web failed (HTTP {status}, at {url}): {_errors(page)}")
        say(f"a review saved through web (the dashboard counted {before} before it)")
        after = self._up_to_date_count(opener, dashboard, 120, more_than=before)
        say(f"the dashboard, computed by the worker, now counts {after}")

    def _up_to_date_count(self, opener, path: str, seconds: float, more_than: int = -1) -> int:
        """The review count of an up-to-date dashboard, once it is above ``more_than``."""
        seen = {}

        def fresh():
            status, _, page = self._http(opener, path)
            # analytics/templates/analytics/_freshness.html, when the figures are up to date.
            found = re.search(
                r"Up to date: these figures include every review saved up to .*?\((\d+) review", page, re.S
            )
            seen["last"] = (status, found and int(found.group(1)))
            return status == 200 and found and int(found.group(1)) > more_than

        try:
            self._wait(fresh, seconds, f"the dashboard {path} to be computed by the worker")
        except SmokeFailure as failure:
            raise SmokeFailure(f"{failure} Last seen: HTTP {seen['last'][0]}, count {seen['last'][1]}.") from None
        return seen["last"][1]

    def check_health_page_and_beat(self) -> None:
        beat = next(name for name, service in self.services.items() if runs_beat(service.command))
        started = self.started_at[beat]
        opener = urllib.request.build_opener()
        seen = {}

        def heartbeat_after_beat_started():
            status, _, page = self._http(opener, "/health/")
            seen["last"] = (status, page)
            if status != 200:
                return False
            health = json.loads(page)
            worker = health.get("worker") or {}
            return (
                health.get("database") == "ok"
                and health.get("cache") == "ok"
                and bool(worker.get("last_seen"))
                and datetime.fromisoformat(worker["last_seen"]) >= started
            )

        say("waiting for beat's first heartbeat (beat sends it a minute after it starts)")
        try:
            self._wait(
                heartbeat_after_beat_started,
                150,
                "/health/ to show the database, the cache and a heartbeat sent by beat",
            )
        except SmokeFailure as failure:
            raise SmokeFailure(f"{failure} Last answer: HTTP {seen['last'][0]} {seen['last'][1][:300]}") from None
        say(f"/health/ says: {seen['last'][1]}")
        volumes = [folder for folder in self.paths[beat].values() if folder.parent == self.folder / "volumes"]
        schedules = [
            path
            for folder in volumes
            for path in folder.glob("*")
            if path.is_file() and path.stat().st_uid == self.uid and path.stat().st_mtime >= started.timestamp()
        ]
        if not schedules:
            raise SmokeFailure(f"{beat} wrote no schedule file in a volume of its own.")
        say(f"{beat} wrote its schedule ({', '.join(path.name for path in schedules)}) and fired the heartbeat")

    # -- the end --

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.folder / f"{name}.log"
        text = path.read_text(errors="replace") if path.exists() else "(no log)"
        return "\n".join("    " + line for line in text.splitlines()[-lines:])

    def print_logs(self) -> None:
        for name in self.processes:
            print(f"--- {name} (last lines of its log) ---\n{self.log_tail(name)}", flush=True)

    def clean_up(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGINT if self.services[name].image else signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        if self.user:
            subprocess.run(["userdel", self.user], capture_output=True)
        if self.keep:
            say(f"kept {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def _shortened(text: str, lines: int = 15) -> str:
    kept = text.strip().splitlines()
    return "\n".join(kept[:lines] + ([f"... ({len(kept) - lines} more lines)"] if len(kept) > lines else []))


def _errors(page: str) -> str:
    """What a page told the person about their form, as text."""
    found = re.findall(
        r'<(?:div|p|span|li)[^>]*class="[^"]*(?:invalid-feedback|alert-danger|errorlist|alert-warning)[^"]*"[^>]*>(.*?)</(?:div|p|span|li)>',
        page,
        re.S,
    )
    return " / ".join(re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found) or "no message on the page"


def _token(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise SmokeFailure("a page had no form token.")
    return found.group(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--project-directory", type=Path, default=PROJECT, help="The build context (default: this checkout)."
    )
    parser.add_argument(
        "--file", type=Path, help="The compose file (default: docker-compose.yml in the project directory)."
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the run's folder (logs, volumes) for a look afterwards."
    )
    args = parser.parse_args(argv)
    project = args.project_directory.resolve()
    compose_file = (args.file or project / "docker-compose.yml").resolve()
    started = time.monotonic()
    run = None

    def stopped(signal_number, frame):
        raise SmokeFailure(f"stopped by signal {signal_number}")

    # Stopped from outside (a CI time limit), it still stops its servers and removes its user.
    signal.signal(signal.SIGTERM, stopped)
    try:
        check_shape(compose_file)
        say("the compose file's shape is right: secrets from .env, one beat, one one-shot migrate, health checks")
        run = Run(compose_file, project, keep=args.keep)
        run.build()
        run.make_user()
        run.prepare()
        run.up()
        run.check_everything()
    except SmokeFailure as failure:
        print(f"compose-smoke: FAILED: {failure}", flush=True)
        if run:
            run.print_logs()
        return 1
    finally:
        if run:
            run.clean_up()
    say(f"passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
