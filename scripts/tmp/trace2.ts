import { world, oneCall } from './costTrace';
(async () => {
  const w = await world({ containers: Number(process.env.CONTAINERS ?? 30) });
  for (let i = 0; i < 6; i += 1) await oneCall(w, `warm-${i}`);
  w.standin.setLatency(50);
  const mark = w.standin.requests().length;
  await oneCall(w, 'warm-5');
  const reqs = w.standin.requests().slice(mark);
  const t0 = Date.parse(reqs[0].at);
  for (const r of reqs) console.log(String(Math.round((Date.parse(r.at) - t0) / 50)).padStart(4), r.operation, r.status, r.path.replace(/\/v1\/Services\/IS\w+/, '').replace(/\/2010-04-01\/Accounts\/AC\w+/, '').slice(0, 90));
  process.exit(0);
})();
