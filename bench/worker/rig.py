# Shared by the bench/worker scripts: a redis-server, a user server, a RESP control connection, the worker command
# and /proc readings. Standard library only.
import os, socket, subprocess, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
tick = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_command():
    """The Native AOT publish (MULTINODE_WORKER_PATH, else out/worker/multinode-worker), else the JIT build."""
    path = os.environ.get("MULTINODE_WORKER_PATH") or os.path.join(root, "out", "worker", "multinode-worker")
    if os.path.exists(path): return [path], "Native AOT"
    dll = os.path.join(root, "src", "Multinode.Worker", "bin", "Release", "net10.0", "multinode-worker.dll")
    return ["dotnet", dll], "JIT"


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick


def status_kb(pid, name):
    """A /proc/<pid>/status field in kB (VmRSS, VmHWM)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(name + ":"): return int(line.split()[1])
    return 0


def start_redis(port, *extra):
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", *extra], stdout=subprocess.DEVNULL)
    wait_port(port)
    return redis


def start_user(script, port):
    user = subprocess.Popen(["node", script], env={**os.environ, "PORT": str(port)}, stdout=subprocess.DEVNULL)
    wait_port(port)
    return user


def wait_port(port, seconds=10):
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {seconds} s")


def worker_env(redis_port, user_port, queue, **extra):
    return {**os.environ, "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port), "QUEUE": queue,
            "USER_PORT": str(user_port), "MULTINODE_KIND": "function", "MULTINODE_WORKLOAD": "bench",
            "MULTINODE_QUEUE_KIND": "redis", "MULTINODE_QUEUE": queue,
            "MULTINODE_REDIS_ADDRESS": f"127.0.0.1:{redis_port}", "MULTINODE_PORT": str(user_port), **extra}


class Control:
    """One RESP connection for pushing messages and reading lists; reconnects when Redis restarts."""

    def __init__(self, port):
        self.port = port
        self.connect()

    def connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.reader = self.sock.makefile("rb")

    def __call__(self, *args):
        parts = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(parts))
        return self.read()

    def read(self):
        line = self.reader.readline()[:-2]
        kind, rest = line[:1], line[1:]
        if kind in (b"+", b":"): return rest
        if kind == b"-": raise RuntimeError(rest.decode())
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self.reader.read(n + 2)[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise ConnectionError("Redis closed the connection")
