// A user server for the worker tests: squares {"x"}; {"sleepMs"} answers after a pause, {"untilMs"} at that epoch millisecond; {"crash": true} exits the
// process; {"hang": true} never answers; {"status": n} answers n;
// {"bytes": n} answers {"y": "<n times a>"}. Logs "invoke <x>" per call on stdout.
const http = require("http");
http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const input = JSON.parse(body || "null") || {};
    console.log(`invoke ${JSON.stringify(input)}`);
    if (input.crash) process.exit(1);
    if (input.hang) return;
    if (input.bytes) return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ y: "a".repeat(input.bytes) }));
    if (input.status) return res.writeHead(input.status).end(`failed on purpose with ${input.status}`);
    setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ y: input.x * input.x })),
      input.untilMs ? Math.max(0, input.untilMs - Date.now()) : input.sleepMs || 0);
  });
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
