"""The Word template and SMTP settings are checked at start-up: a bad template path or half an SMTP setup stops
the process with a line naming the setting; mail is on only when host and sender are both set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import Settings
from dialogs.documents.template import default_template


def local(**overrides: object) -> Settings:
    return Settings(_env_file=None, mode="local", **overrides)  # type: ignore[call-arg, arg-type]


@pytest.mark.usefixtures("clean_env")
def test_a_missing_word_template_is_refused_naming_the_setting_and_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "mallar" / "kommunen.docx"
    with pytest.raises(ValueError, match="FORUMBOT_WORD_TEMPLATE") as caught:
        local(word_template=str(missing))
    assert str(missing) in str(caught.value)


@pytest.mark.usefixtures("clean_env")
def test_a_file_that_is_no_word_document_is_refused(tmp_path: Path) -> None:
    text = tmp_path / "mall.docx"
    text.write_text("Det här är ingen Word-fil", encoding="utf-8")
    with pytest.raises(ValueError, match=r"is not a \.docx document"):
        local(word_template=str(text))


@pytest.mark.usefixtures("clean_env")
def test_a_word_template_that_opens_is_used_and_unset_means_the_default(tmp_path: Path) -> None:
    template = tmp_path / "kommunen.docx"
    template.write_bytes(default_template())
    assert local(word_template=str(template)).word_template == str(template)
    assert local().word_template == ""


@pytest.mark.usefixtures("clean_env")
def test_mail_is_off_by_default_and_on_with_host_and_sender() -> None:
    off = local()
    assert not off.mail_enabled and off.smtp_port == 587 and off.smtp_starttls is True
    on = local(smtp_host="smtp.norrby.se", smtp_from="forumbot@norrby.se", smtp_username="forumbot",
               smtp_password="hemligt")
    assert on.mail_enabled
    assert "hemligt" not in repr(on)


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(("overrides", "named"), [
    ({"smtp_host": "smtp.norrby.se"}, "FORUMBOT_SMTP_HOST and FORUMBOT_SMTP_FROM go together"),
    ({"smtp_from": "forumbot@norrby.se"}, "FORUMBOT_SMTP_HOST and FORUMBOT_SMTP_FROM go together"),
    ({"smtp_host": "smtp.norrby.se", "smtp_from": "forumbot"}, "FORUMBOT_SMTP_FROM is not an e-mail address"),
    ({"smtp_host": "smtp.norrby.se", "smtp_from": "forumbot@norrby.se", "smtp_password": "x"},
     "FORUMBOT_SMTP_PASSWORD is set without FORUMBOT_SMTP_USERNAME"),
])
def test_half_an_smtp_setup_is_refused(overrides: dict[str, str], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        local(**overrides)


def test_serve_with_a_bad_template_stops_with_one_clear_line(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("FORUMBOT_", "Microsoft", "PYTHON"))}
    env.update({
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "FORUMBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'never.db'}",
        "FORUMBOT_WORD_TEMPLATE": str(tmp_path / "saknas.docx"),
    })
    done = subprocess.run([sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "cannot start" in done.stderr
    (line,) = [line for line in done.stderr.splitlines() if "FORUMBOT_WORD_TEMPLATE" in line]
    assert "saknas.docx" in line
    assert not (tmp_path / "never.db").exists()


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize("mail", [True, False])
async def test_the_app_runs_the_mail_sender_only_when_mail_is_set_up(tmp_path: Path, mail: bool) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.app import create_app
    from bot.mail.worker import MailWorker
    from bot.runtime import RUNTIME

    smtp = {"smtp_host": "smtp.norrby.se", "smtp_from": "forumbot@norrby.se"} if mail else {}
    settings = local(database_url=f"sqlite+aiosqlite:///{tmp_path / 'forumbot.db'}", **smtp)
    app = create_app(settings, migrate=True, background=False)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        runtime = app[RUNTIME]
        assert runtime.deps.mail_enabled is mail
        assert [type(b) for b in runtime.background] == ([MailWorker] if mail else [])
    finally:
        await client.close()
