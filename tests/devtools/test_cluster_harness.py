"""The cluster test's pieces that can be checked without a cluster: it reads deploy/ as
production would, renders an nginx configuration nginx accepts, counts a duplicated sweep,
and its mail sink keeps only whole messages (devtools/load/cluster*.py, docs/scaling.md)."""

import shutil
import smtplib
import socket
import subprocess
import sys
import time

import pytest

from devtools.load import cluster_checks
from devtools.load.cluster_procs import DEPLOY, ROOT, CronRun, cron_lines, exec_start
from devtools.load.smtp_sink import SmtpSink


def test_the_cron_lines_are_deploy_cron_s_commands_on_this_checkout():
    lines = cron_lines()

    commands = [line.argv[1:] for line in lines]
    assert commands == [["send_due_reminders"], ["deliver_mail"], ["run_daily_sweep"]]
    assert {line.argv[0] for line in lines} == {str(ROOT / "deploy" / "run")}
    assert [line.frequent for line in lines] == [True, True, False]


def test_the_services_start_gunicorn_with_the_deploy_settings_and_the_task_worker():
    web = exec_start("pt-tracker-web.service")
    worker = exec_start("pt-tracker-worker.service")

    assert web[:3] == [sys.executable, "-m", "gunicorn"]
    assert web[3:] == ["-c", "deploy/gunicorn.conf.py", "pt_tracker.wsgi:application"]
    assert worker == [str(ROOT / "deploy" / "run"), "db_worker", "--no-reload", "--interval", "1"]


def _render(tmp_path, *options: str) -> str:
    done = subprocess.run(
        [sys.executable, str(DEPLOY / "render-nginx"), "--run-dir", str(tmp_path), *options],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_balancer_configuration_names_every_node_and_nginx_accepts_it(tmp_path):
    nodes = ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"]
    config = _render(
        tmp_path, "--listen", "127.0.0.1:9100", *[a for n in nodes for a in ("--node", n)]
    )

    for node in nodes:
        assert f"server {node} max_fails=1 fail_timeout=5s;" in config
    assert "listen 127.0.0.1:9100;" in config
    assert "ssl_certificate" not in config
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not shutil.which(nginx):
        pytest.skip("nginx is not installed (make clustertest installs it)")
    (tmp_path / "nginx.conf").write_text(config)
    check = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "/dev/null"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_with_a_certificate_the_balancer_speaks_https_and_redirects_http(tmp_path):
    config = _render(tmp_path, "--node", "10.0.0.11:8000", "--tls-cert", "/c", "--tls-key", "/k")

    assert "listen 443 ssl http2;" in config
    assert "ssl_certificate /c;" in config
    assert "return 301 https://$host$request_uri;" in config


@pytest.mark.django_db
def test_two_runners_that_both_swept_a_clinic_s_day_count_as_one_duplicate(clinic):
    def run(output: str) -> CronRun:
        return CronRun(1, ["deploy/run", "run_daily_sweep"], 0.0, 1.0, 0, output)

    swept = f"clinic {clinic.pk} 2026-02-02: 12 patients, 0 alerts opened\n"
    busy = f"clinic {clinic.pk} 2026-02-02: being swept by another run\n"

    assert cluster_checks.sweeps([run(swept), run(busy)], {})["sweeps_duplicated"] == 0
    assert cluster_checks.sweeps([run(swept), run(swept)], {})["sweeps_duplicated"] == 1


def test_the_sink_keeps_whole_messages_only():
    sink = SmtpSink()
    sink.start()
    try:
        with smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as client:
            client.sendmail(
                "a@x.test", ["b@x.test"], b"Message-ID: <1@x>\r\nSubject: hi\r\n\r\nyes"
            )
        with socket.create_connection(("127.0.0.1", sink.port), timeout=5) as raw:
            for line in (b"EHLO x", b"MAIL FROM:<a@x.test>", b"RCPT TO:<b@x.test>", b"DATA"):
                raw.sendall(line + b"\r\n")
            raw.sendall(b"Message-ID: <2@x>\r\n\r\nhalf a mess")  # then the sender dies
        time.sleep(0.3)
    finally:
        sink.stop()

    assert [(m.message_id, m.recipients) for m in sink.received()] == [("<1@x>", ("b@x.test",))]


def test_races_the_database_settled_are_counted_from_what_the_cron_jobs_print():
    def run(command: str, output: str) -> CronRun:
        return CronRun(1, ["deploy/run", command], 0.0, 1.0, 0, output)

    runs = [
        run("send_due_reminders", "Reminders at 2026-02-02 18:00:05 UTC: 4 sent, 3 taken."),
        run("send_due_reminders", "Reminders at 2026-02-02 18:00:05 UTC: 3 sent, 4 taken."),
        run("deliver_mail", "sent: 2, taken: 1"),
    ]

    assert cluster_checks.races(runs) == {
        "reminders_claimed_by_the_other_scheduler": 7,
        "emails_claimed_by_another_sender": 1,
    }
