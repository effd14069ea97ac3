"""The cluster run's processes, started from the production configuration in deploy/: app nodes
(the ExecStart of deploy/pt-tracker-web.service, with deploy/gunicorn.conf.py), task workers
(deploy/pt-tracker-worker.service), nginx (deploy/nginx.conf.template through
deploy/render-nginx) and cron nodes (the lines of deploy/cron).

Each process gets a session of its own, so `kill9()` takes the whole of it (a gunicorn master
and its workers) at once, as a machine that dies would. Loopback only.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .driver import Browser, Run
from .harness import HOST, ROOT, free_port

DEPLOY = ROOT / "deploy"
#: Where the files in deploy/ expect the checkout; the run puts its own checkout there.
PRODUCTION_ROOT = "/srv/pt-tracker"
NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")


def exec_start(unit: str) -> list[str]:
    """The command line of a systemd unit in deploy/, pointed at this checkout."""
    for line in (DEPLOY / unit).read_text().splitlines():
        if line.startswith("ExecStart="):
            return _local(shlex.split(line.removeprefix("ExecStart=")))
    raise SystemExit(f"deploy/{unit} has no ExecStart line")


def _local(argv: list[str]) -> list[str]:
    python = f"{PRODUCTION_ROOT}/.venv/bin/python"
    return [
        sys.executable if arg == python else arg.replace(PRODUCTION_ROOT, str(ROOT)) for arg in argv
    ]


@dataclass(frozen=True)
class CronLine:
    minute: str
    argv: list[str]

    @property
    def frequent(self) -> bool:
        """Runs every few minutes (*/N), as opposed to once an hour or a day."""
        return self.minute.startswith("*")


def cron_lines() -> list[CronLine]:
    """deploy/cron's jobs: five time fields, the user, then the command."""
    lines = []
    for line in (DEPLOY / "cron").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#") or "=" in line.split()[0]:
            continue
        fields = line.split(None, 6)
        lines.append(CronLine(fields[0], _local(shlex.split(fields[6]))))
    return lines


class Service:
    """One process (and its children) in a session of its own."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.argv, self.env, self.log = name, argv, env, log
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with self.log.open("ab") as out:
            out.write(f"\n== start {self.starts + 1} at {time.strftime('%H:%M:%S')}\n".encode())
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else 0

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> None:
        """SIGKILL to the whole process group: no handler runs, no connection is closed
        cleanly, no transaction is committed."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout: float = 20.0) -> None:
        if not self.alive() or self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
        except ProcessLookupError:
            pass

    def descendants(self) -> list[int]:
        """This process and every process of its group (for finding who holds a socket)."""
        if self.process is None:
            return []
        group = self.process.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == group:
                        pids.append(int(entry.name))
                except ProcessLookupError:
                    continue
        return pids


class AppNode(Service):
    """gunicorn with deploy/gunicorn.conf.py on a loopback port of its own."""

    def __init__(
        self, number: int, env: dict[str, str], workers: int | None, log_dir: Path
    ) -> None:
        """`workers` None: deploy/gunicorn.conf.py's own choice (2 per core, plus one)."""
        self.number, self.port = number, free_port()
        node_env = {
            **env,
            "GUNICORN_BIND": f"{HOST}:{self.port}",
            "GUNICORN_PROC_NAME": f"pt-tracker-node{number}",
        }
        if workers:
            node_env["GUNICORN_WORKERS"] = str(workers)
        argv = exec_start("pt-tracker-web.service")
        super().__init__(f"app node {number}", argv, node_env, log_dir / f"node{number}.log")

    def wait_ready(self, timeout: float = 60.0) -> float:
        """Until /healthz answers on the node itself; the monotonic time it did."""
        return wait_healthy(self.port, timeout, self)


def wait_healthy(port: int, timeout: float, service: Service | None = None) -> float:
    run = Run()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service is not None and not service.alive():
            raise SystemExit(f"{service.name} exited; see {service.log}")
        browser = Browser(HOST, port, run, timeout=2)
        ok = browser.request("GET", "/healthz", name="ready").status == 200
        browser.close()
        if ok:
            return time.monotonic()
        time.sleep(0.2)
    raise SystemExit(f"nothing healthy on port {port} after {timeout:.0f} s")


class TaskWorker(Service):
    def __init__(self, number: int, env: dict[str, str], log_dir: Path) -> None:
        argv = exec_start("pt-tracker-worker.service")
        argv += ["--worker-id", f"cluster-worker-{number}-{os.getpid()}"]
        super().__init__(f"worker {number}", argv, env, log_dir / f"worker{number}.log")


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    return found or next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)


class Balancer(Service):
    """nginx from deploy/nginx.conf.template, unprivileged, with its config, pid file, logs and
    temporary files in a folder of its own."""

    def __init__(self, binary: str, nodes: list[AppNode], log_dir: Path) -> None:
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="pt-cluster-nginx-"))
        self.folder.chmod(0o755)
        config = self.folder / "nginx.conf"
        render = [
            sys.executable,
            str(DEPLOY / "render-nginx"),
            "--listen",
            f"{HOST}:{self.port}",
            "--run-dir",
            str(self.folder),
            "--worker-processes",
            "1",
            "--fail-timeout",
            "2",
        ]
        for node in nodes:
            render += ["--node", f"{HOST}:{node.port}"]
        config.write_text(subprocess.run(render, check=True, capture_output=True, text=True).stdout)
        argv = [binary, "-p", str(self.folder), "-c", str(config), "-e", str(self.folder / "e.log")]
        argv += ["-g", "daemon off;"]
        argv = self._unprivileged(argv)
        check = subprocess.run([*argv[:-2], "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise SystemExit(f"nginx rejected the rendered configuration:\n{check.stderr}")
        super().__init__("nginx", argv, dict(os.environ), log_dir / "nginx.log")

    def _unprivileged(self, argv: list[str]) -> list[str]:
        """Started as root (CI, containers), nginx runs as `nobody` altogether."""
        if os.geteuid() != 0 or not shutil.which("setpriv"):
            return argv
        nobody = pwd.getpwnam("nobody")
        for path in [self.folder, *self.folder.iterdir()]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        ids = [f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups"]
        return ["setpriv", *ids, *argv]

    def wait_ready(self, timeout: float = 30.0) -> float:
        return wait_healthy(self.port, timeout, self)

    def cleanup(self) -> None:
        for name in ("access.log", "error.log"):
            if (self.folder / name).exists():
                shutil.copy(self.folder / name, self.log.with_name(f"nginx-{name}"))
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class CronRun:
    node: int
    argv: list[str]
    started: float
    ended: float
    status: int
    output: str


@dataclass
class CronNode:
    """A node's cron daemon, time compressed: at each tick it starts that tick's jobs of
    deploy/cron at once, as separate processes, and keeps what they print."""

    number: int
    env: dict[str, str]
    runs: list[CronRun] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def tick(self, lines: list[CronLine]) -> None:
        started = time.monotonic()
        processes = [
            (
                line,
                subprocess.Popen(
                    line.argv,
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                ),
            )
            for line in lines
        ]
        for line, process in processes:
            try:
                output, _ = process.communicate(timeout=300)
            except subprocess.TimeoutExpired:
                process.kill()
                output, _ = process.communicate()
            with self.lock:
                self.runs.append(
                    CronRun(
                        self.number,
                        line.argv,
                        started,
                        time.monotonic(),
                        process.returncode,
                        output,
                    )
                )


def cron_tick(nodes: list[CronNode], lines: list[CronLine]) -> None:
    """Every node runs the same jobs at the same moment, as cron on several machines does."""
    threads = [threading.Thread(target=node.tick, args=(lines,)) for node in nodes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def socket_holders(pids: list[int], local_port: int) -> set[int]:
    """Those of `pids` holding the established TCP connection whose local end is
    127.0.0.1:`local_port` (a client's side of a connection the SMTP sink accepted)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        parts = line.split()
        local, state, inode = parts[1], parts[3], parts[9]
        if state == "01" and int(local.split(":")[1], 16) == local_port:
            inodes.add(inode)
    holders = set()
    for pid in pids:
        try:
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    holders.add(pid)
        except (FileNotFoundError, PermissionError):
            continue
    return holders
