// The soak load for soak.bench.ts, in its own process so the probing process stays idle:
// WRITERS appenders of 10 events and SUBSCRIBERS SSE clients each catching up over $all, until
// stdin closes; then prints {"appended":N,"catchUps":N} and exits.
import { request } from 'node:http';

const [gateway, writers, subscribers, until] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
let done = false;
let appended = 0;
let catchUps = 0;
process.stdin.on('end', () => (done = true)).resume();

async function append(stream) {
  const events = Array.from({ length: 10 }, (_, i) => ({ type: 'soaked', data: { i, pad: 'x'.repeat(40) } }));
  const res = await fetch(`${gateway}/api/v1/streams/${stream}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  await res.arrayBuffer();
  if (res.status !== 201) throw new Error(`append answered ${res.status}`);
  appended += 10;
}

function catchUp() {
  return new Promise((resolve) => {
    const req = request(`${gateway}/api/v1/subscribe?from=1`, { headers: { accept: 'text/event-stream' } }, (res) => {
      let seen = 0;
      res.on('data', (chunk) => {
        for (let i = chunk.indexOf('\nid: '); i >= 0; i = chunk.indexOf('\nid: ', i + 1)) seen += 1;
        if (seen >= until || done) req.destroy();
      });
      res.on('close', resolve);
    });
    req.on('error', resolve);
    req.end();
  });
}

const load = [];
for (let w = 0; w < writers; w++) load.push((async () => { while (!done) await append(`soak-${w}`); })());
for (let s = 0; s < subscribers; s++) load.push((async () => { while (!done) { await catchUp(); catchUps += 1; } })());
await Promise.all(load);
process.stdout.write(JSON.stringify({ appended, catchUps }) + '\n');
