// A user's TypeScript program: every kind of the packed SDK, a secret, a component output fed into another
// component, an input unknown in preview, and (scenario "invalid") an input out of range.
import * as pulumi from "@pulumi/pulumi";
import * as multinode from "@multinode/pulumi-multinode";

const config = new pulumi.Config("sdktest");
const image = "ghcr.io/example/square:1.0";

/** A resource whose value its provider computes: unknown in preview. */
class Token extends pulumi.CustomResource {
    declare public readonly value: pulumi.Output<string>;
    constructor(name: string) {
        super("sdktest:index:Token", name, { value: undefined });
    }
}

/** Every kind, a secret, square's queue fed into batch, and a token unknown in preview into batch. */
function all() {
    const token = new Token("token");
    const square = new multinode.Function("square", {
        image,
        maxWorkers: 30,
        spareWorkers: 2,
        cooldownPeriod: 300,
        env: { API_KEY: pulumi.secret("s3cr3t-api-key") },
        resources: { cpu: 1, memory: "2Gi" },
    });
    const batch = new multinode.Job("batch", {
        image,
        maxConcurrency: 4,
        env: { TOKEN: token.value, SQUARE_QUEUE: square.queue },
    });
    const web = new multinode.Service("web", { image, minReplicas: 2, maxReplicas: 4, healthCheckPath: "/healthz" });
    const nightly = new multinode.ScheduledTask("nightly", { image, schedule: "0 3 * * *", timeZone: "UTC" });
    const agent = new multinode.Daemon("agent", { image, resources: { cpu: 0.5, memory: "512Mi" } });

    return {
        squareQueue: square.queue,
        squareChildren: square.children,
        batchChildren: batch.children,
        webEndpoint: web.endpoint,
        nightlySchedule: nightly.schedule,
        agentChildren: agent.children,
    };
}

/** One Function with maxWorkers out of range (the schema allows 1 to 100). */
function invalid() {
    new multinode.Function("square", { image, maxWorkers: 1000 });
    return {};
}

/** A Function on an explicit provider instance whose typed config says kubernetes and a namespace of its own. */
function explicitProvider() {
    const k8s = new multinode.Provider("k8s", {
        target: multinode.Target.Kubernetes,
        kubernetes: { namespace: "jobs", queue: { kind: multinode.QueueKind.Redis, address: "redis.jobs:6379" } },
    });
    const square = new multinode.Function("square", { image, maxWorkers: 3 }, { provider: k8s });
    return { squareChildren: square.children };
}

const scenarios: { [name: string]: () => object } = { all, invalid, provider: explicitProvider };

// The stack's outputs: what the components published.
export = scenarios[config.get("scenario") ?? "all"]();
