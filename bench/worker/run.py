# Worker throughput and CPU per message against the minimal consumer (consumer.py), in one run:
#   python3 bench/worker/run.py [messages]      (MULTINODE_WORKER_PATH: the worker binary; default: the AOT
#                                                 publish in out/worker, else the JIT build via dotnet)
# For 1, 4 and 16 consumers of each kind it pushes the same messages, times until every reply is in, and reads
# the consumers' CPU (utime + stime from /proc/<pid>/stat). The user server is the node square server.
import json, os, socket, subprocess, sys, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
messages = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
tick = os.sysconf("SC_CLK_TCK")

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def worker_command():
    path = os.environ.get("MULTINODE_WORKER_PATH") or os.path.join(root, "out", "worker", "multinode-worker")
    if os.path.exists(path): return [path], "Native AOT"
    return ["dotnet", os.path.join(root, "src", "Multinode.Worker", "bin", "Release", "net10.0", "multinode-worker.dll")], "JIT"

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick

redis_port, user_port = free_port(), free_port()
redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                         stdout=subprocess.DEVNULL)
user = subprocess.Popen(["node", os.path.join(root, "examples", "square-function", "server.js")], env={**os.environ, "PORT": str(user_port)},
                        stdout=subprocess.DEVNULL)
time.sleep(1)
control = socket.create_connection(("127.0.0.1", redis_port))
reader = control.makefile("rb")

def command(*args):
    control.sendall(b"".join([b"*%d\r\n" % len(args)] + [b"$%d\r\n%s\r\n" % (len(a.encode()), a.encode()) for a in map(str, args)]))
    line = reader.readline()[:-2]
    if line[:1] == b"$":
        n = int(line[1:])
        return None if n < 0 else reader.read(n + 2)[:-2]
    return line[1:]

def run(kind, count):
    queue = f"bench-{kind}-{count}"
    env = {**os.environ, "REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis_port), "QUEUE": queue, "USER_PORT": str(user_port),
           "MULTINODE_KIND": "function", "MULTINODE_WORKLOAD": "bench", "MULTINODE_QUEUE_KIND": "redis", "MULTINODE_QUEUE": queue,
           "MULTINODE_REDIS_ADDRESS": f"127.0.0.1:{redis_port}", "MULTINODE_PORT": str(user_port)}
    cmd = [sys.executable, os.path.join(root, "bench", "worker", "consumer.py")] if kind == "minimal" else worker_command()[0]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(count)]
    time.sleep(2)
    before = sum(cpu_seconds(p.pid) for p in procs)
    for start in range(0, messages, 500):
        batch = [json.dumps({"id": f"m{i}", "input": {"x": i}, "replyTo": f"{queue}:replies"}) for i in range(start, min(messages, start + 500))]
        command("LPUSH", queue, *batch)
    began = time.monotonic()
    while int(command("LLEN", f"{queue}:replies")) < messages:
        time.sleep(0.005)
    elapsed = time.monotonic() - began
    cpu = sum(cpu_seconds(p.pid) for p in procs) - before
    for p in procs: p.terminate()
    for p in procs: p.wait()
    return messages / elapsed, cpu / messages * 1e6

rows = []
for count in (1, 4, 16):
    minimal = run("minimal", count)
    worker = run("worker", count)
    rows.append((count, minimal, worker))
print(f"worker: {worker_command()[1]}; {messages} messages per run; {os.cpu_count()} cores")
print("| consumers | minimal msg/s | worker msg/s | ratio | minimal CPU µs/msg | worker CPU µs/msg | ratio |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for count, (m_rate, m_cpu), (w_rate, w_cpu) in rows:
    print(f"| {count} | {m_rate:.0f} | {w_rate:.0f} | {w_rate / m_rate:.2f} | {m_cpu:.0f} | {w_cpu:.0f} | {w_cpu / m_cpu:.2f} |")
user.terminate()
redis.terminate()
