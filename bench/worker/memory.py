# Peak memory of one worker per payload size: python3 bench/worker/memory.py [MB ...]   (default 1 5 10)
# For each size a fresh worker (MULTINODE_WORKER_PATH, else out/worker/multinode-worker) handles one message whose
# input is a JSON string of that many bytes, through a user server that answers with its input (echo.js). Printed:
# the worker's resident memory before the message and its peak (VmHWM from /proc/<pid>/status) after the reply.
import json, os, subprocess, sys, time
from rig import Control, free_port, root, start_redis, start_user, status_kb, worker_command, worker_env

sizes = [float(s) for s in sys.argv[1:]] or [1, 5, 10]
redis_port, user_port = free_port(), free_port()
redis = start_redis(redis_port, "--proto-max-bulk-len", "1gb")
user = start_user(os.path.join(root, "bench", "worker", "echo.js"), user_port)
command = Control(redis_port)
print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; worker: {worker_command()[1]}")
print("| message | idle RSS | peak RSS | peak − idle | (peak − idle) / message |")
print("| --- | --- | --- | --- | --- |")
for size in sizes:
    queue = f"memory-{size}"
    env = worker_env(redis_port, user_port, queue, MULTINODE_MAX_MESSAGE_BYTES=str(int(size * 1_000_000) + 1_000_000))
    worker = subprocess.Popen(worker_command()[0], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    idle = status_kb(worker.pid, "VmRSS")
    body = json.dumps({"id": "big", "input": "x" * (int(size * 1_000_000) - 40), "replyTo": f"{queue}:replies"})
    command("LPUSH", queue, body)
    while int(command("LLEN", f"{queue}:replies")) < 1:
        time.sleep(0.01)
    reply = command("LPOP", f"{queue}:replies")
    assert b'"output"' in reply[:100], reply[:300]
    peak = status_kb(worker.pid, "VmHWM")
    worker.terminate()
    worker.wait()
    mb = len(body) / 1e6
    print(f"| {mb:.0f} MB | {idle / 1000:.0f} MB | {peak / 1000:.0f} MB | {(peak - idle) / 1000:.0f} MB | "
          f"{(peak - idle) / 1000 / mb:.1f}× |")
user.terminate()
redis.terminate()
