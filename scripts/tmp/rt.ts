import { startLocalStack, freePort } from '../localStack';
import { env } from '../bench/shared';
import { signedHeaders } from '../../src/core/signature';
(async () => {
  const stack = await startLocalStack({ env, functionsPort: await freePort(), standinPort: await freePort(), output: 'ignore' });
  try {
    stack.standin.setLatency(100);
    const send = async (body: Record<string, unknown>) => {
      const r = await fetch(`${stack.functionsUrl}/desktop-event`, { method: 'POST', headers: signedHeaders(env.DESKTOP_EVENT_SECRET, body), body: JSON.stringify(body) });
      return r.status;
    };
    for (let c = 0; c < 2; c += 1) {
      const call = stack.standin.createLiveCall({ agent: `rt-${c}`, recording: 'conference' });
      await new Promise((r) => setTimeout(r, 2500));
      await stack.standin.callbacksDelivered();
      for (const trigger of ['card-number.focus', 'card-number.blur', 'cvv.focus', 'cvv.blur']) {
        const mark = stack.standin.requests().length;
        const t0 = Date.now();
        const status = await send({ eventId: `rt-${c}-${trigger}`, agent: `rt-${c}`, trigger, callSid: call.callSid });
        const reqs = stack.standin.requests().slice(mark);
        console.log(c, trigger, status, Date.now() - t0, 'ms');
        for (const q of reqs) console.log('   ', Math.round((Date.parse(q.at) - t0) / 100), q.operation, q.status);
        await new Promise((r) => setTimeout(r, 1500));
      }
    }
  } finally { await stack.stop(); }
  process.exit(0);
})();
