# Worker throughput and CPU per message against the minimal consumer (consumer.py), in one run:
#   python3 bench/worker/run.py [messages] [repetitions]     (defaults 4000 and 5)
# Worker: MULTINODE_WORKER_PATH, else the Native AOT publish in out/worker, else the JIT build via dotnet.
# For 1, 4 and 16 consumers of each kind, repeated, alternating which kind goes first, it pushes the same messages,
# times until every reply is in and reads the consumers' CPU (utime + stime from /proc/<pid>/stat). Each row is the
# median of the repetitions; the ratio columns are the medians of the per-repetition ratios (worker / minimal, paired
# within a repetition, so load that changes between repetitions cancels). The user server is the node square server.
# The last column is redis-server's CPU per message, since the worker moves some work into Lua scripts.
import json, os, statistics, subprocess, sys, time
from rig import Control, cpu_seconds, free_port, root, start_redis, start_user, worker_command, worker_env

messages = int(sys.argv[1]) if len(sys.argv) > 1 else 4000
repetitions = int(sys.argv[2]) if len(sys.argv) > 2 else 5
redis_port, user_port = free_port(), free_port()
redis = start_redis(redis_port)
user = start_user(os.path.join(root, "examples", "square-function", "server.js"), user_port)
command = Control(redis_port)
runs = 0


def run(kind, count):
    global runs
    runs += 1
    queue = f"bench-{kind}-{count}-{runs}"
    cmd = [sys.executable, os.path.join(root, "bench", "worker", "consumer.py")] if kind == "minimal" else worker_command()[0]
    procs = [subprocess.Popen(cmd, env=worker_env(redis_port, user_port, queue), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for _ in range(count)]
    time.sleep(2)
    before, redis_before = sum(cpu_seconds(p.pid) for p in procs), cpu_seconds(redis.pid)
    for start in range(0, messages, 500):
        batch = [json.dumps({"id": f"m{i}", "input": {"x": i}, "replyTo": f"{queue}:replies"})
                 for i in range(start, min(messages, start + 500))]
        command("LPUSH", queue, *batch)
    began = time.monotonic()
    while int(command("LLEN", f"{queue}:replies")) < messages:
        time.sleep(0.005)
    elapsed = time.monotonic() - began
    cpu, redis_cpu = sum(cpu_seconds(p.pid) for p in procs) - before, cpu_seconds(redis.pid) - redis_before
    for p in procs: p.terminate()
    for p in procs: p.wait()
    command("DEL", queue, f"{queue}:replies")
    return messages / elapsed, cpu / messages * 1e6, redis_cpu / messages * 1e6


rows = []
for count in (1, 4, 16):
    samples = []
    for rep in range(repetitions):
        order = ("minimal", "worker") if rep % 2 == 0 else ("worker", "minimal")
        result = {kind: run(kind, count) for kind in order}
        samples.append((result["minimal"], result["worker"]))
        print(f"  {count} consumers, repetition {rep + 1}: minimal {result['minimal'][0]:.0f} msg/s "
              f"{result['minimal'][1]:.0f} µs/msg (redis {result['minimal'][2]:.0f}); worker {result['worker'][0]:.0f} msg/s "
              f"{result['worker'][1]:.0f} µs/msg (redis {result['worker'][2]:.0f})",
              file=sys.stderr, flush=True)
    med = lambda f: statistics.median(f(m, w) for m, w in samples)
    rows.append((count, med(lambda m, w: m[0]), med(lambda m, w: w[0]), med(lambda m, w: w[0] / m[0]),
                 med(lambda m, w: m[1]), med(lambda m, w: w[1]), med(lambda m, w: w[1] / m[1]),
                 med(lambda m, w: m[2]), med(lambda m, w: w[2])))
print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; worker: {worker_command()[1]}; {messages} messages per run; "
      f"median of {repetitions} alternated repetitions; {os.cpu_count()} cores; load average "
      f"{os.getloadavg()[0]:.2f}")
print("| consumers | minimal msg/s | worker msg/s | rate ratio | minimal CPU µs/msg | worker CPU µs/msg | CPU ratio "
      "| redis-server CPU µs/msg (minimal / worker) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for count, m_rate, w_rate, rate_ratio, m_cpu, w_cpu, cpu_ratio, m_redis, w_redis in rows:
    print(f"| {count} | {m_rate:.0f} | {w_rate:.0f} | {rate_ratio:.2f} | {m_cpu:.0f} | {w_cpu:.0f} | {cpu_ratio:.2f} "
          f"| {m_redis:.0f} / {w_redis:.0f} |")
user.terminate()
redis.terminate()
