// The square Function (examples/square-function/server.js in an image): at most 30 workers, 2 idle ones kept warm,
// and a worker stays 300 s after its last invocation. tsc checks every input against the SDK's types.
import * as multinode from "@multinode/pulumi-multinode";

const image = "ghcr.io/example/square:1.0.0";

const square = new multinode.Function("square", { image, maxWorkers: 30, spareWorkers: 2, cooldownPeriod: 300 });

/** Where to send work, and what the component created. */
export const queue = square.queue;
export const children = square.children;
