// Mistakes tsc must reject with the SDK's types (sdk.test.js expects each error by line and property).
import * as multinode from "@multinode/pulumi-multinode";

new multinode.Function("square", { image: "i", maxWorkers: "30" });
new multinode.Function("no-image", { maxWorkers: 3 });
new multinode.Service("web", { image: "i", resources: { cpu: 1, gpus: 1 } });
