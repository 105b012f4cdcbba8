"""publish deliver against real servers on 127.0.0.1: a news day (publish, correct, translate late,
kill) delivered to three partners, over FTP (pyftpdlib), SFTP (asyncssh) and an HTTP POST
receiver, with one forced failure each (a refused login, a connection cut mid-file, HTTP 503).
Each partner ends with exactly the versions it should have, each received once, byte for byte
the outbox's, and no partial file under a final name; the delivery log says what went where."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from publisher.cli import app
from publisher.config import load_config
from publisher.wire import delivery
from tests.test_wire_outbox import catch_up, hold_back, outbox_files
from tests.helpers import run_update
from tests.wire_helpers import make_newsroom, set_front_matter, wire_build
from tests.wire_servers import FtpServer, HttpReceiver, SftpServer

PARTNERS = """
[tool.publisher.partners.apa]
protocol = "ftp"
host = "127.0.0.1"
port = {ftp}
path = "incoming"
user = "belta"
password_env = "APA_PASSWORD"
languages = ["en", "kk"]

[tool.publisher.partners.kazinform]
protocol = "sftp"
host = "127.0.0.1"
port = {sftp}
path = "drop"
user = "belta"
password_env = "KAZINFORM_PASSWORD"
known_hosts = "{known_hosts}"
languages = ["ru", "kk"]

[tool.publisher.partners.ntb]
protocol = "http"
host = "127.0.0.1"
port = {http}
path = "ingest"
profile = "ninjs"
"""


def add_settings(root: Path, text: str) -> None:
    with (root / "pyproject.toml").open("a", encoding="utf-8") as settings:
        settings.write(text)


def deliver(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["deliver", "-C", str(root)])
    return result.exit_code, result.output


def expected(root: Path, suffix: str, languages: tuple[str, ...] | None) -> dict[str, bytes]:
    """The partner's share of the outbox: its languages' items and every package, by file name."""
    found = {}
    for name, data in outbox_files(root).items():
        stem = Path(name).name
        lang = stem.split("@")[1].split("-v")[0] if "@" in stem else None
        if stem.endswith(suffix) and (lang is None or languages is None or lang in languages):
            found[stem] = data
    return found


def received(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.startswith(".")}


def test_a_news_day_reaches_three_partners_once_each_through_one_failure_each(tmp_path, monkeypatch):
    monkeypatch.setattr(delivery, "BACKOFF", 0.05)  # the doubling waits, shortened: the retries are real
    root = make_newsroom(tmp_path / "newsroom")
    for slug in ("test-story", "second-story"):
        hold_back(root, "kk", slug)
    ftp_home, sftp_root, http_folder = (tmp_path / "apa", tmp_path / "kazinform", tmp_path / "ntb")
    for folder in (ftp_home / "incoming", sftp_root / "drop", http_folder):
        folder.mkdir(parents=True)
    known_hosts = tmp_path / "known_hosts"
    monkeypatch.setenv("APA_PASSWORD", "wrong")  # the forced failure of apa: its login is refused
    monkeypatch.setenv("KAZINFORM_PASSWORD", SftpServer.PASSWORD)
    with FtpServer(ftp_home, "belta", "ftp-secret") as ftp, SftpServer(sftp_root, known_hosts, cut=True) as sftp, \
            HttpReceiver(http_folder, unavailable=1) as http:
        add_settings(root, PARTNERS.format(ftp=ftp.port, sftp=sftp.port, http=http.port, known_hosts=known_hosts))

        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")  # 09:00, both stories go out (kk held back)
        wire_build(root, jobs=1)
        code, output = deliver(root)
        assert code == 1 and "apa: delivery to ftp://127.0.0.1" in output and "login refused" in output
        # ru and the packages; en, ru, be and the packages (kk held back): the cut and the 503 retried
        assert "kazinform: 4 sent" in output and "ntb: 8 sent" in output
        assert received(ftp_home / "incoming") == {}

        monkeypatch.setenv("APA_PASSWORD", "ftp-secret")
        set_front_matter(root, "correction: Corrects the figure.", slug="test-story")  # 10:00, a correction
        run_update(root)
        catch_up(root, "ru", "test-story")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725530400")
        wire_build(root, jobs=1)
        assert deliver(root)[0] == 0

        catch_up(root, "kk", "test-story")  # 11:00, Kazakh catches up; the second story is killed
        set_front_matter(root, "status: canceled", slug="second-story")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725534000")
        wire_build(root, jobs=1)
        code, output = deliver(root)
        assert code == 0, output
        code, output = deliver(root)  # nothing new: nothing sent
        assert code == 0 and "0 sent" in output and "sent apa" not in output

        apa, kazinform, ntb = (expected(root, ".xml", ("en", "kk")), expected(root, ".xml", ("ru", "kk")),
                               expected(root, ".json", None))
        assert received(ftp_home / "incoming") == apa and received(sftp_root / "drop") == kazinform
        assert received(http_folder) == ntb
        assert set(ftp.stored) == {f".{name}.part" for name in apa} and set(ftp.stored.values()) == {1}
        assert set(sftp.renamed) == set(kazinform) and set(sftp.renamed.values()) == {1}
        assert set(http.received) == set(ntb) and set(http.received.values()) == {1}
        assert any(name.endswith("@kk-v1.xml") for name in apa) and any("second-story@ru-v2" in n for n in kazinform)
        assert not any("@ru" in name for name in apa) and not any("@en" in name for name in kazinform)

    for name, share in (("apa", apa), ("kazinform", kazinform), ("ntb", ntb)):
        lines = [json.loads(line) for line in (root / "deliveries" / f"{name}.jsonl").read_text().splitlines()]
        assert sorted(r["file"] for r in lines if r["result"] == "delivered") == sorted(share)
    failed = [json.loads(line) for line in (root / "deliveries" / "kazinform.jsonl").read_text().splitlines()
              if not json.loads(line)["result"] == "delivered"]
    assert len(failed) == 1 and failed[0]["result"].startswith("failed: ")  # the cut, logged


def test_a_file_already_there_under_its_final_name_is_logged_not_sent_again(tmp_path, monkeypatch):
    """A crash between the rename and the log line: the next run finds the file and records it."""
    root = make_newsroom(tmp_path / "newsroom")
    drop = tmp_path / "drop"
    add_settings(root, f'\n[tool.publisher.partners.desk]\nprotocol = "folder"\npath = "{drop}"\nlanguages = ["ru"]\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")
    wire_build(root, jobs=1)
    config = load_config(root)
    assert deliver(root)[0] == 0
    first = received(drop)
    (root / "deliveries" / "desk.jsonl").unlink()  # the log lost, the files there
    (drop / sorted(first)[0]).write_bytes(b"partial")  # and one of them not whole
    [outcome] = delivery.deliver(config)
    assert outcome.error is None and len(outcome.already) == len(first) - 1 and len(outcome.sent) == 1
    assert received(drop) == first


def test_dry_run_lists_what_each_partner_would_receive_and_sends_nothing(tmp_path, monkeypatch):
    root = make_newsroom(tmp_path / "newsroom")
    drop = tmp_path / "drop"
    add_settings(root, f'\n[tool.publisher.partners.desk]\nprotocol = "folder"\npath = "{drop}"\nprofile = "ninjs"\n'
                       f'languages = ["kk"]\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")
    wire_build(root, jobs=1)
    result = CliRunner().invoke(app, ["deliver", "-C", str(root), "--dry-run"])
    assert result.exit_code == 0
    listed = [line.split(": ", 1)[1].split(" -> ")[0] for line in result.output.splitlines() if " -> " in line]
    assert listed and sorted(listed) == sorted(expected(root, ".json", ("kk",)))
    assert "desk: 4 to send" in result.output
    assert not drop.exists() and not (root / "deliveries").exists()


def test_a_file_whose_bytes_are_not_the_ledgers_is_refused(tmp_path, monkeypatch):
    root = make_newsroom(tmp_path / "newsroom")
    drop = tmp_path / "drop"
    add_settings(root, f'\n[tool.publisher.partners.desk]\nprotocol = "folder"\npath = "{drop}"\n')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725526800")
    wire_build(root, jobs=1)
    first = sorted(name for name in outbox_files(root) if name.endswith(".xml"))[0]
    (root / "output" / first).write_bytes(b"<tampered/>")
    code, output = deliver(root)
    assert code == 1 and "is not the bytes the ledger recorded" in output
    assert not drop.exists() or list(drop.iterdir()) == []


def test_dry_run_on_the_bundled_project_lists_each_configured_partners_share(tmp_path):
    """The committed ledger knows the outbox: no build is needed to say what would go where."""
    from tests.test_wire_items import copy_newsroom

    root = copy_newsroom(tmp_path)
    result = CliRunner().invoke(app, ["deliver", "-C", str(root), "--dry-run"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    story = "belta-20240905-kazakhstan-belarus-allies"
    assert f"kazinform: {story}@kk-v2.xml -> sftp://sftp.kazinform.example:22/incoming/belta" in lines
    assert f"ntb: {story}@en-v1.json -> https://ingest.ntb.example:443/wire/belta" in lines
    assert not any("@be" in line or ("kazinform" in line and "@en" in line) for line in lines)
    assert "kazinform: 3 to send to sftp://sftp.kazinform.example:22/incoming/belta" in lines
    assert "ntb: 2 to send to https://ingest.ntb.example:443/wire/belta" in lines


def test_an_unknown_partner_is_an_error(tmp_path):
    root = make_newsroom(tmp_path)
    result = CliRunner().invoke(app, ["deliver", "-C", str(root), "--partner", "dpa"])
    assert result.exit_code == 1 and "no partner dpa with a protocol" in result.output


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
