// A user server that answers POST /invoke with its input (for measuring memory per payload size).
const http = require("http");
http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(Buffer.concat(chunks)));
}).listen(Number(process.env.PORT || 8080), "127.0.0.1");
