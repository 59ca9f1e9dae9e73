# The minimal consumer issue 22 compares the worker with: BLMOVE -> POST /invoke -> LPUSH reply + LREM, nothing
# else (no lease, no sweep, no platform duties, no timeouts). Standard library only; raw RESP.
import http.client, json, os, socket, sys

host, port = os.environ["REDIS_HOST"], int(os.environ["REDIS_PORT"])
queue, user_port = os.environ["QUEUE"], int(os.environ["USER_PORT"])
sock = socket.create_connection((host, port))
reader = sock.makefile("rb")

def command(*args):
    parts = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(a), a))
    sock.sendall(b"".join(parts))
    return read()

def read():
    line = reader.readline()[:-2]
    kind, rest = line[:1], line[1:]
    if kind in (b"+", b":"): return rest
    if kind == b"-": raise RuntimeError(rest)
    if kind == b"$":
        n = int(rest)
        return None if n < 0 else reader.read(n + 2)[:-2]
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [read() for _ in range(n)]

server = http.client.HTTPConnection("127.0.0.1", user_port)
while True:
    item = command("BLMOVE", queue, queue + ":processing", "RIGHT", "LEFT", "1")
    if item is None: continue
    message = json.loads(item)
    server.request("POST", "/invoke", json.dumps(message["input"]), {"content-type": "application/json"})
    response = server.getresponse()
    output = response.read()
    reply = json.dumps({"id": message["id"], "output": json.loads(output)}) if response.status < 300 else \
        json.dumps({"id": message["id"], "error": {"message": output.decode(), "status": response.status}})
    command("LPUSH", message["replyTo"], reply)
    command("LREM", queue + ":processing", "1", item)
