import { canonicalJson, sign, verifySignature } from '../../src/core/signature';

const body = { trigger: 'card-number.focus', agent: 'alice', eventId: 'e-1', nested: { b: 1, a: [{ d: 1, c: 2 }] } };
const now = 1_790_000_000;

describe('desktop relay signatures', () => {
  test('the canonical body sorts keys at every depth and has no whitespace', () => {
    expect(canonicalJson(body)).toBe('{"agent":"alice","eventId":"e-1","nested":{"a":[{"c":2,"d":1}],"b":1},"trigger":"card-number.focus"}');
  });

  test('a signature over the canonical form is accepted whatever the key order sent', () => {
    const signature = sign('s3cret', String(now), body);
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    const reordered = JSON.parse(JSON.stringify({ nested: body.nested, eventId: 'e-1', agent: 'alice', trigger: 'card-number.focus' }));
    expect(verifySignature({ secrets: ['s3cret'], timestampHeader: String(now), signatureHeader: signature, body: reordered, nowSeconds: now })).toBe('valid');
  });

  test('during rotation either secret is accepted, and several signatures may be sent', () => {
    const old = sign('old', String(now), body);
    expect(verifySignature({ secrets: ['new', 'old'], timestampHeader: String(now), signatureHeader: old, body, nowSeconds: now })).toBe('valid');
    const both = `v1=${'0'.repeat(64)}, ${sign('new', String(now), body)}`;
    expect(verifySignature({ secrets: ['new'], timestampHeader: String(now), signatureHeader: both, body, nowSeconds: now })).toBe('valid');
  });

  test('a changed body, another secret, or a missing header is refused', () => {
    const signature = sign('s3cret', String(now), body);
    expect(
      verifySignature({ secrets: ['s3cret'], timestampHeader: String(now), signatureHeader: signature, body: { ...body, agent: 'bob' }, nowSeconds: now }),
    ).toBe('invalid_signature');
    expect(verifySignature({ secrets: ['other'], timestampHeader: String(now), signatureHeader: signature, body, nowSeconds: now })).toBe('invalid_signature');
    expect(verifySignature({ secrets: ['s3cret'], timestampHeader: undefined, signatureHeader: signature, body, nowSeconds: now })).toBe('invalid_signature');
    expect(verifySignature({ secrets: ['s3cret'], timestampHeader: String(now), signatureHeader: 'sha256=abc', body, nowSeconds: now })).toBe(
      'invalid_signature',
    );
  });

  test('timestamps more than 300 s away are stale, either way', () => {
    const old = String(now - 301);
    expect(verifySignature({ secrets: ['s'], timestampHeader: old, signatureHeader: sign('s', old, body), body, nowSeconds: now })).toBe('stale_timestamp');
    const future = String(now + 301);
    expect(verifySignature({ secrets: ['s'], timestampHeader: future, signatureHeader: sign('s', future, body), body, nowSeconds: now })).toBe(
      'stale_timestamp',
    );
    const edge = String(now - 300);
    expect(verifySignature({ secrets: ['s'], timestampHeader: edge, signatureHeader: sign('s', edge, body), body, nowSeconds: now })).toBe('valid');
  });
});
