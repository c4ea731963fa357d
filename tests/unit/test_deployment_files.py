"""The files an IT department deploys from: lock files, Dockerfile, compose.yaml, the env example, the guide.

There is no container engine on the development machines, so the image is never built here: `make lint` runs
hadolint on the Dockerfile, and these tests check what the image and compose rely on (that the lock pins what
pyproject.toml asks for, the final stage's user, port, health check and entry point, the services and their
order) and that every setting is documented where an operator looks for it.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.settings import PackageSettings, Settings

ROOT = Path(__file__).resolve().parents[2]
RUNTIME_LOCK = ROOT / "requirements" / "runtime.lock"
TEST_LOCK = ROOT / "requirements" / "test.lock"
ENV_EXAMPLE = ROOT / "deploy" / "forumbot.env.example"
GUIDE = ROOT / "docs" / "deployment.md"


def _pins(lock: Path) -> dict[str, str]:
    """name -> version of every `name==version` line (markers and hashes follow on the same logical line)."""
    pins: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)", line)
        if match:
            pins[canonicalize_name(match.group(1))] = match.group(2)
    return pins


def _pyproject() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _requirements(group: str) -> list[Requirement]:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    names = project["dependencies"] if group == "runtime" else project["optional-dependencies"][group]
    build = [
        line for line in (ROOT / "requirements" / "build.in").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return [Requirement(r) for r in [*names, *build]]


@pytest.mark.parametrize(("lock", "groups"), [(RUNTIME_LOCK, ["runtime"]), (TEST_LOCK, ["runtime", "test"])])
def test_every_dependency_in_pyproject_is_pinned_in_the_lock_at_a_version_it_allows(
    lock: Path, groups: list[str]
) -> None:
    pins = _pins(lock)
    problems = []
    for group in groups:
        for requirement in _requirements(group):
            version = pins.get(canonicalize_name(requirement.name))
            if version is None:
                problems.append(f"{requirement.name} is not in {lock.name}")
            elif not requirement.specifier.contains(version, prereleases=True):
                problems.append(f"{requirement.name}=={version} in {lock.name} does not satisfy {requirement}")
    assert not problems, "run `make lock` after changing pyproject.toml:\n" + "\n".join(problems)


def test_the_test_lock_pins_the_runtime_packages_at_the_same_versions_and_every_pin_is_hashed() -> None:
    runtime, test = _pins(RUNTIME_LOCK), _pins(TEST_LOCK)
    assert runtime, "runtime.lock has no pins"
    assert {name: test.get(name) for name in runtime} == runtime
    for lock in (RUNTIME_LOCK, TEST_LOCK):
        text = lock.read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
        unhashed = [b.split()[0] for b in blocks if "==" in b.split("\n")[0] and "--hash=sha256:" not in b]
        assert not unhashed, f"{lock.name}: pins without hashes: {unhashed}"


def test_ruff_and_mypy_are_pinned_exactly_and_the_unused_dependencies_are_gone() -> None:
    project = _pyproject()["project"]
    assert isinstance(project, dict)
    test_extra = [Requirement(r) for r in project["optional-dependencies"]["test"]]
    exact = {r.name: str(r.specifier) for r in test_extra}
    assert exact["ruff"].startswith("==") and exact["mypy"].startswith("==")
    declared = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]} | {
        canonicalize_name(r.name) for r in test_extra
    }
    assert not declared & {"python-dateutil", "six", "types-python-dateutil"}


def _stages(dockerfile: str) -> list[list[tuple[str, str]]]:
    """Instructions per stage: [(INSTRUCTION, arguments)], continuation lines joined, comments dropped."""
    logical, pending = [], ""
    for raw in dockerfile.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[list[tuple[str, str]]] = []
    for line in logical:
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


def test_the_final_image_stage_runs_forumbot_serve_as_a_non_root_user_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = _stages(text)
    assert len(stages) >= 2, "multi-stage: dependencies are installed in a build stage"
    # one slim base for all stages, the Python the lock is compiled for (make lock: --python-version 3.11)
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", text, flags=re.MULTILINE)
    assert all(stage[0][1].split()[0] == "${PYTHON_IMAGE}" for stage in stages)
    final = stages[-1]
    first = dict(final)
    users = [args for instruction, args in final if instruction == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("EXPOSE", "3978") in final
    healthcheck = first["HEALTHCHECK"]
    assert "/healthz" in healthcheck and "curl" not in healthcheck
    assert json.loads(first["ENTRYPOINT"]) == ["forumbot"]
    assert json.loads(first["CMD"]) == ["serve"]
    env = " ".join(args for instruction, args in final if instruction == "ENV")
    assert "FORUMBOT_MODE=production" in env and "FORUMBOT_HOST=0.0.0.0" in env
    final_text = " ".join(args for _, args in final).lower()
    for build_tool in ("apt-get", "gcc", "build-essential", "pip install"):
        assert build_tool not in final_text, f"the final stage must not have {build_tool}"
    copies = [args for instruction, args in final if instruction == "COPY"]
    assert copies and all(args.startswith("--from=") for args in copies), "the final stage copies only the venv"


def test_the_image_installs_the_hash_checked_runtime_lock_and_the_build_context_contains_what_it_copies() -> None:
    stages = _stages((ROOT / "Dockerfile").read_text(encoding="utf-8"))
    runs = " ".join(args for stage in stages for instruction, args in stage if instruction == "RUN")
    assert "--require-hashes" in runs and "requirements/runtime.lock" in runs
    ignore = [line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()]
    included = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    assert "*" in ignore, ".dockerignore is an allow-list"
    for stage in stages:
        for instruction, args in stage:
            if instruction == "COPY" and not args.startswith("--from="):
                *sources, _ = shlex.split(args)
                for source in sources:
                    assert (ROOT / source).exists(), source
                    assert source.rstrip("/") in included, f"{source} is excluded by .dockerignore"


def _compose() -> dict[str, object]:
    document = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_compose_runs_postgresql_16_with_a_volume_and_health_check_and_starts_the_bot_after_it() -> None:
    compose = _compose()
    services = compose["services"]
    assert isinstance(services, dict) and set(services) == {"db", "bot"}
    db, bot = services["db"], services["bot"]
    assert db["image"] == "postgres:16"
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"], "a named volume keeps the data across `docker compose down`"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["build"] == "." and (ROOT / "Dockerfile").exists()
    assert bot["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert bot["env_file"] == ["deploy/forumbot.env"]
    assert "@db:5432/" in bot["environment"]["FORUMBOT_DATABASE_URL"]
    assert all(str(port).startswith("127.0.0.1:") for port in bot["ports"]), "only this machine reaches the bot"
    assert "deploy/forumbot.env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def _setting_names() -> set[str]:
    names = set()
    for model in (Settings, PackageSettings):
        for name in model.model_fields:
            names.add(f"FORUMBOT_{name.upper()}")
    return names


def test_every_setting_is_in_the_env_example_and_in_the_guides_settings_table() -> None:
    example = ENV_EXAMPLE.read_text(encoding="utf-8")
    guide = GUIDE.read_text(encoding="utf-8")
    in_example = set(re.findall(r"^#? ?(FORUMBOT_[A-Z0-9_]+)=", example, flags=re.MULTILINE))
    in_table = set(re.findall(r"^\| `(FORUMBOT_[A-Z0-9_]+)`", guide, flags=re.MULTILINE))
    assert not _setting_names() - in_example, "missing in deploy/forumbot.env.example"
    assert not _setting_names() - in_table, "missing in the settings table of docs/deployment.md"


def _example_values() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_the_env_example_refuses_to_start_until_the_secrets_are_filled_in_and_then_starts(
    clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in _example_values().items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValueError) as refused:
        Settings(_env_file=None)  # type: ignore[call-arg]
    assert "FORUMBOT_APP_PASSWORD" in str(refused.value) or "FORUMBOT_SIGNING_KEY" in str(refused.value)
    monkeypatch.setenv("FORUMBOT_APP_PASSWORD", "client-secret-from-the-app-registration")
    monkeypatch.setenv("FORUMBOT_SIGNING_KEY", "s" * 48)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.mode.value == "production" and settings.host == "0.0.0.0"
    assert settings.database_url.endswith("?ssl=verify-full")
