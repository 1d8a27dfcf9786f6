/**
 * Lets the real twilio CLI reach the local stand-in: an HTTP proxy on loopback that the CLI and
 * its plugins use through `HTTP_PROXY` (twilio-cli's request client, twilio-node and the
 * Serverless API client all read that variable and tunnel https with CONNECT). Each tunnel to
 * `*.twilio.com:443` is answered with TLS under a throwaway certificate authority that only the
 * child processes given `NODE_EXTRA_CA_CERTS` (or curl's `CURL_CA_BUNDLE`) trust, and every
 * request inside it is sent on to the stand-in with its Twilio host kept in `Host`.
 * Tunnels to anything else are refused, so nothing leaves the machine. Plain requests to it answer
 * as the npm registry does (`npm_config_registry`) for the flex plugin's update check, which every
 * `flex:plugins:…` command makes first: the version installed is the latest.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import forge from 'node-forge';

export interface TwilioProxy {
  /** `http://127.0.0.1:<port>`: the value of `HTTP_PROXY`. */
  url: string;
  /** `npm_config_registry`: answers for installed packages only. */
  registryUrl: string;
  /** PEM file of the certificate authority: `NODE_EXTRA_CA_CERTS` and `CURL_CA_BUNDLE`. */
  caFile: string;
  /** The Twilio hosts tunnelled to, in order, each once. */
  hosts: string[];
  close(): Promise<void>;
}

const TWILIO_HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)?\.twilio\.com$/;

/** A CA made for this run and a certificate it signs for `*.twilio.com` and `*.us1.twilio.com`. */
function throwawayCertificates(): { caPem: string; keyPem: string; certPem: string } {
  const keyPair = (bits: number) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
    const pem = {
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
    return { pem, privateKey: forge.pki.privateKeyFromPem(pem.privateKey), publicKey: forge.pki.publicKeyFromPem(pem.publicKey) };
  };
  const certificate = (subject: string, publicKey: forge.pki.PublicKey, extensions: object[]) => {
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKey;
    cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
    cert.setSubject([{ name: 'commonName', value: subject }]);
    cert.setExtensions(extensions);
    return cert;
  };
  const ca = keyPair(2048);
  const caCert = certificate('recording-controls test CA', ca.publicKey, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.sign(ca.privateKey, forge.md.sha256.create());
  const leaf = keyPair(2048);
  const leafCert = certificate('*.twilio.com', leaf.publicKey, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: '*.twilio.com' },
        { type: 2, value: '*.us1.twilio.com' },
      ],
    },
  ]);
  leafCert.setIssuer(caCert.subject.attributes);
  leafCert.sign(ca.privateKey, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(caCert), keyPem: leaf.pem.privateKey, certPem: forge.pki.certificateToPem(leafCert) };
}

export async function startTwilioProxy(standinUrl: string): Promise<TwilioProxy> {
  const { caPem, keyPem, certPem } = throwawayCertificates();
  const caFile = join(mkdtempSync(join(tmpdir(), 'twilio-proxy-')), 'ca.pem');
  writeFileSync(caFile, caPem);
  const hosts: string[] = [];
  const target = new URL(standinUrl);

  // What arrives inside a tunnel, decrypted: sent on to the stand-in as it came.
  const inner = http.createServer((request, response) => {
    const forwarded = http.request(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });
  const secure = tls.createSecureContext({ key: keyPem, cert: certPem });

  const proxy = http.createServer((request, response) => {
    const name = decodeURIComponent((request.url ?? '/').slice(1));
    let version: string | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      version = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      response.writeHead(404, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    response
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ name, 'dist-tags': { latest: version }, versions: { [version]: { name, version } } }));
  });
  const sockets = new Set<Socket>();
  proxy.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  proxy.on('connect', (request: http.IncomingMessage, socket: Socket) => {
    const [host, port] = (request.url ?? '').split(':');
    if (!TWILIO_HOST.test(host) || port !== '443') {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    if (!hosts.includes(host)) hosts.push(host);
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    const decrypted = new tls.TLSSocket(socket, { isServer: true, secureContext: secure });
    decrypted.on('error', () => socket.destroy());
    inner.emit('connection', decrypted);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    registryUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`,
    caFile,
    hosts,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        inner.close();
        proxy.close(() => resolve());
      }),
  };
}
