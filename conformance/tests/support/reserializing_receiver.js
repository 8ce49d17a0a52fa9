// A SPOTIO receiver with a common mistake: it verifies `X-Signature` (lowercase hex
// HMAC-SHA256) over JSON.stringify(JSON.parse(rawBody)), the body re-serialized, instead of the
// bytes it received. It accepts exactly the bodies JavaScript would have written itself.
//
//     node reserializing_receiver.js PORT SECRET
//
// PORT 0 takes a free port. The first line of standard output is
// `listening on http://127.0.0.1:PORT/`. It exits when its standard input closes (the test
// that started it is gone) and after five minutes whatever happens. Node's `http` and `crypto`
// only.

'use strict';

const http = require('http');
const crypto = require('crypto');

const [portArg, secret] = process.argv.slice(2);
if (portArg === undefined || secret === undefined) {
  process.stderr.write('usage: node reserializing_receiver.js PORT SECRET\n');
  process.exit(2);
}

// Above the 5 MiB body of the robustness suite, which must be answered, not dropped.
const BODY_LIMIT = 16 * 1024 * 1024;
const LIFETIME_MS = 5 * 60 * 1000;

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function signatureOk(header, text) {
  if (typeof header !== 'string' || !/^[0-9a-f]+$/.test(header)) {
    return false;
  }
  const expected = crypto.createHmac('sha256', secret).update(text, 'utf8').digest();
  const got = Buffer.from(header, 'hex');
  return got.length === expected.length && crypto.timingSafeEqual(got, expected);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= BODY_LIMIT) {
      chunks.push(chunk);
    }
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (size > BODY_LIMIT) {
      reply(res, 413, { detail: 'Body too large' });
      return;
    }
    let reserialized;
    try {
      // The mistake: what is verified is not what was received.
      reserialized = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    } catch (e) {
      reply(res, 400, { detail: 'Invalid JSON' });
      return;
    }
    if (!signatureOk(req.headers['x-signature'], reserialized)) {
      reply(res, 401, { detail: 'Invalid signature' });
      return;
    }
    reply(res, 200, { ok: true });
  });
});

server.on('clientError', (err, socket) => socket.destroy());
server.listen(Number(portArg), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}/\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
setTimeout(() => process.exit(0), LIFETIME_MS);
