// A Multinode Function's user server: POST /invoke with {"x": n} answers {"y": n*n}. No dependencies.
const http = require("http");
const port = Number(process.env.PORT || 8080);
http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    let input = null;
    try { input = JSON.parse(body || "null"); } catch { /* answered below */ }
    if (req.method !== "POST" || req.url !== "/invoke" || typeof input?.x !== "number")
      return res.writeHead(400).end('expected POST /invoke with {"x": number}');
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ y: input.x * input.x }));
  });
}).listen(port, "127.0.0.1", () => console.log(`square server on ${port}`));
