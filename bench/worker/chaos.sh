#!/usr/bin/env bash
# Issue 22's chaos at full size, once: 8 Native AOT workers x 5,000 messages on a redis-server with an append-only
# file, workers killed (SIGKILL / SIGTERM alternately, a random one every 250 replies) and redis-server restarted
# halfway: every message answered exactly once; and 2,000 SQS messages (sqslite) with 2 % of DeleteMessage calls
# failing: 2,000 distinct replies. The same tests run CI-sized in the suite (4 x 1,000; 200 at 10 %).
#   bash bench/worker/chaos.sh        (needs redis-server, node, tests/worker-sqs installed: see tests/run.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[ -x out/worker/multinode-worker ] ||
  dotnet publish src/Multinode.Worker -c Release -r linux-x64 -p:PublishAot=true -o out/worker --nologo -v q
MULTINODE_CHAOS_SCALE=full MULTINODE_WORKER_PATH="$root/out/worker/multinode-worker" \
  dotnet test tests/Multinode.Worker.Tests --nologo --logger "console;verbosity=normal" \
  --filter "FullyQualifiedName~ChaosTests|FullyQualifiedName~DeleteMessageFailsSometimes"
