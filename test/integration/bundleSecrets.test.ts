import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { kubeconfigYaml } from '../doubles/kubeconfigFile';
import { makeTestPki, type PemPair, type TestPki } from '../doubles/testPki';
import { startTestCluster, type TestCluster } from '../support/liveCluster';
import { builtFiles, ensureBuilt, OUT, ROOT } from '../support/builtApp';

// No credential reaches the shipped bundles (out/: Electron main and CLI, preload, renderer):
// neither one of the test kubeconfigs' credentials (made here as the tests make them, and every
// token or password written in a test) nor anything shaped like a private key or a token.

/** Shapes of credentials that never belong in a bundle, whoever's they are. */
const CREDENTIAL_PATTERNS: [string, RegExp][] = [
  ['a PEM private key', /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----/],
  ['a PEM certificate', /-----BEGIN CERTIFICATE-----/],
  ['a base64-encoded PEM block (kubeconfig *-data)', /LS0tLS1CRUdJTi/],
  ['a kubeconfig inline credential', /(client-key-data|client-certificate-data|certificate-authority-data)["']?\s*:\s*["']?[A-Za-z0-9+/]{40,}/],
  ['a JSON Web Token (service account token)', /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/],
  ['an AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['a GitHub token', /\bgh[pousr]_[A-Za-z0-9]{36}\b/],
  ['a bearer token literal', /Bearer [A-Za-z0-9._~+/-]{20,}=*/],
];

/** Files that are credentials by their name. */
const CREDENTIAL_FILE = /(\.(pem|key|crt|csr|p12|pfx|jks)|(^|\/)(kubeconfig[^/]*|\.kube\/.*|id_(rsa|ecdsa|ed25519)))$/i;

interface Secret {
  what: string;
  value: string;
}

/** The base64 lines of a PEM block: a minifier may keep the PEM whole or with escaped newlines, never split a line. */
const pemLines = (pem: string) => pem.split('\n').filter((line) => /^[A-Za-z0-9+/=]{40,}$/.test(line));

/** A key pair's PEM lines: the key is the secret; the certificate is checked too, as a sign of a bundled kubeconfig. */
function secretsOfPair(what: string, pair: PemPair): Secret[] {
  return [...pemLines(pair.key).map((value) => ({ what: `${what} private key`, value })), ...pemLines(pair.cert).map((value) => ({ what: `${what} certificate`, value }))];
}

/** Every credential in a kubeconfig file: tokens, passwords and the *-data fields, encoded and decoded. */
function secretsOfKubeconfig(what: string, yaml: string): Secret[] {
  const config = parse(yaml) as { users?: { name: string; user: Record<string, unknown> }[]; clusters?: { name: string; cluster: Record<string, unknown> }[] };
  const secrets: Secret[] = [];
  const add = (where: string, field: string, value: unknown) => {
    if (typeof value !== 'string' || !value) return;
    secrets.push({ what: `${what} ${where} ${field}`, value });
    if (field.endsWith('-data')) {
      // The base64 as written, a stretch of it (a bundle could hold a slice), and the PEM it holds.
      secrets.push({ what: `${what} ${where} ${field} (start)`, value: value.slice(0, 40) });
      for (const line of pemLines(Buffer.from(value, 'base64').toString('utf8'))) secrets.push({ what: `${what} ${where} ${field} (decoded)`, value: line });
    }
  };
  for (const { name, user } of config.users ?? []) for (const field of ['token', 'password', 'client-key-data', 'client-certificate-data']) add(`user ${name}`, field, user[field]);
  for (const { name, cluster } of config.clusters ?? []) add(`cluster ${name}`, 'certificate-authority-data', cluster['certificate-authority-data']);
  return secrets;
}

/** Tokens and passwords written into the tests' sources (kubeconfig users, API double tokens, serve tokens). */
function secretsWrittenInTests(): Secret[] {
  const files: string[] = [];
  const walk = (dir: string, keep: (path: string) => boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(path, keep);
      else if (entry.isFile() && keep(path)) files.push(path);
    }
  };
  walk(join(ROOT, 'test'), (path) => /\.(ts|ya?ml|json)$/.test(path));
  walk(join(ROOT, 'src'), (path) => /\.test\.ts$/.test(path));
  const quoted = /\b(tokens?|TOKEN|password|passwd|secret)\b\s*[:=]\s*\{?\s*(['"`])([^'"`\s]{6,})\2/g;
  const unquoted = /\b(token|password|passwd|secret)\b\s*:\s*([A-Za-z0-9+/=_-]{8,})/g;
  const secrets: Secret[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const where = relative(ROOT, file);
    for (const m of text.matchAll(quoted)) secrets.push({ what: `${m[1]} in ${where}`, value: m[3] });
    for (const m of text.matchAll(unquoted)) if (/\d|=$/.test(m[2])) secrets.push({ what: `${m[1]} in ${where}`, value: m[2] });
  }
  return secrets;
}

interface Finding {
  file: string;
  what: string;
  excerpt: string;
}

function scan(file: string, text: string, secrets: readonly Secret[]): Finding[] {
  const findings: Finding[] = [];
  const excerpt = (at: number) => text.slice(Math.max(0, at - 40), at + 80).replace(/\s+/g, ' ');
  for (const [what, pattern] of CREDENTIAL_PATTERNS) {
    const m = pattern.exec(text);
    if (m) findings.push({ file, what, excerpt: excerpt(m.index) });
  }
  for (const secret of secrets) {
    const at = text.indexOf(secret.value);
    if (at >= 0) findings.push({ file, what: secret.what, excerpt: excerpt(at) });
  }
  return findings;
}

let cluster: TestCluster;
let extraPki: TestPki;
let secrets: Secret[];

beforeAll(async () => {
  const built = ensureBuilt();
  // The kubeconfig the live-cluster tests use (a client certificate and a bearer token), and one
  // as the e2e and error tests write them, with a second client certificate.
  [cluster, extraPki] = await Promise.all([startTestCluster(), makeTestPki()]);
  const bob = await extraPki.clientCert('bob', ['system:masters']);
  const written = kubeconfigYaml({ contexts: [{ name: 'bob', server: 'https://127.0.0.1:6443', ca: extraPki.ca.cert, user: { clientCert: bob, token: 'token-for-bob-0123456789' } }] });
  secrets = [
    ...secretsOfKubeconfig('live-cluster kubeconfig', readFileSync(cluster.kubeconfig, 'utf8')),
    ...secretsOfKubeconfig('written kubeconfig', written),
    ...secretsOfPair('test CA', cluster.pki.ca),
    ...secretsOfPair('API server', cluster.pki.server),
    ...secretsOfPair('unrelated CA', cluster.pki.otherCa),
    ...secretsOfPair('client bob', bob),
    ...secretsWrittenInTests(),
  ].filter((secret, i, all) => all.findIndex((other) => other.value === secret.value) === i);
  await built;
});

afterAll(async () => {
  await cluster?.close();
  extraPki?.remove();
});

describe('the built bundles hold no credentials', () => {
  it('knows the test credentials it looks for, and finds one planted in a file', () => {
    const whats = secrets.map((s) => s.what);
    for (const expected of ['user alice client-key-data', 'user alice client-key-data (decoded)', 'user jane token', 'cluster alice certificate-authority-data', 'test CA private key', 'API server private key', 'token in test/integration/kubeconfigErrors.test.ts', 'TOKEN in test/integration/transport.test.ts'])
      expect(whats.some((what) => what.includes(expected)), expected).toBe(true);
    expect(secrets.map((s) => s.value)).toEqual(expect.arrayContaining(['token-of-jane', 'expired-token', 'bench-token', 'test-token-0123456789', 'aHVudGVyMg==']));

    const key = secrets.find((s) => s.what.includes('API server private key'))!.value;
    expect(scan('planted.js', `const k = "${key}";`, secrets).map((f) => f.what)).toContain('API server private key');
    expect(scan('planted.js', JSON.stringify(cluster.pki.server.key), []).map((f) => f.what)).toContain('a PEM private key');
    expect(scan('planted.js', readFileSync(cluster.kubeconfig, 'utf8'), []).map((f) => f.what)).toEqual(expect.arrayContaining(['a base64-encoded PEM block (kubeconfig *-data)', 'a kubeconfig inline credential']));
    expect(scan('planted.js', 'const token = "token-of-jane";', secrets).map((f) => f.what)).toEqual(['live-cluster kubeconfig user jane token']);
  });

  it('in out/main, out/preload and out/renderer', () => {
    const files = builtFiles();
    for (const part of ['main/', 'preload/', 'renderer/']) expect(files.some((file) => file.startsWith(part)), `out/${part} is built`).toBe(true);
    expect(files.filter((file) => CREDENTIAL_FILE.test(file)), 'credential files in out/').toEqual([]);
    const findings = files.flatMap((file) => scan(file, readFileSync(join(OUT, file), 'latin1'), secrets));
    expect(findings, findings.map((f) => `out/${f.file}: ${f.what}: …${f.excerpt}…`).join('\n')).toEqual([]);
  });
});
