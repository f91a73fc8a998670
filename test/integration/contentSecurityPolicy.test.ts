import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StrataBackend } from '../../src/main/backend/StrataBackend';
import { startStrataServer, type RunningServer } from '../../src/main/server/StrataServer';
import { DemoSource } from '../../src/main/sources/DemoSource';
import { ensureBuilt, OUT, ROOT } from '../support/builtApp';

// The renderer's Content-Security-Policy, where the page really gets it: the <meta> of the built
// out/renderer/index.html (the Electron window loads that file) and the header `strata serve` sends.

type Policy = Map<string, string[]>;

function parsePolicy(text: string): Policy {
  const policy: Policy = new Map();
  for (const directive of text.split(';')) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    // The first of a repeated directive is the one browsers use; a repeat is a mistake worth failing on.
    if (!name) continue;
    expect(policy.has(name.toLowerCase()), `${name} appears twice`).toBe(false);
    policy.set(name.toLowerCase(), sources);
  }
  return policy;
}

function metaPolicy(html: string): string | undefined {
  const metas = [...html.matchAll(/<meta\s[^>]*http-equiv=["']Content-Security-Policy["'][^>]*>/gi)].map((m) => m[0]);
  expect(metas.length, 'one CSP <meta>').toBeLessThanOrEqual(1);
  return metas[0]?.match(/content=(["'])(.*?)\1/s)?.[2];
}

/** What both places must say: only the app's own origin runs code, and nothing is eval'd. */
function expectStrictPolicy(text: string | undefined, where: string): Policy {
  expect(text, `${where} has a Content-Security-Policy`).toBeTruthy();
  const policy = parsePolicy(text!);
  expect(text, `${where}: no 'unsafe-eval'`).not.toMatch(/unsafe-eval/i);
  expect(policy.get('default-src'), `${where}: default-src`).toEqual(["'self'"]);
  expect(policy.get('script-src'), `${where}: script-src`).toEqual(["'self'"]);
  // Workers are the layout worker, from this origin (or a blob: Vite may wrap it in); never eval'd.
  for (const source of policy.get('worker-src') ?? []) expect(["'self'", 'blob:'], `${where}: worker-src ${source}`).toContain(source);
  for (const name of ['connect-src', 'img-src', 'style-src']) for (const source of policy.get(name) ?? []) expect(source, `${where}: ${name}`).not.toMatch(/^(\*|https?:|wss?:|'unsafe-eval'|'unsafe-hashes')$/);
  expect(policy.get('object-src'), `${where}: object-src`).toEqual(["'none'"]);
  expect(policy.get('base-uri'), `${where}: base-uri`).toEqual(["'none'"]);
  return policy;
}

beforeAll(ensureBuilt);

describe('the Content-Security-Policy of the built renderer (Electron window)', () => {
  const html = () => readFileSync(join(OUT, 'renderer/index.html'), 'utf8');

  it('is in the page, restricts scripts to the app and allows no eval', () => {
    expectStrictPolicy(metaPolicy(html()), 'out/renderer/index.html');
  });

  it('comes before anything it governs, and every script is a file of the app (nothing inline)', () => {
    const page = html();
    const meta = page.search(/http-equiv=["']Content-Security-Policy/i);
    expect(meta).toBeGreaterThan(-1);
    for (const tag of ['<script', '<link', '<style']) if (page.includes(tag)) expect(page.indexOf(tag), `${tag} after the CSP`).toBeGreaterThan(meta);
    const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body.trim(), 'inline script').toBe('');
      expect(attributes).toMatch(/\ssrc=["']\.\/assets\/[^"':]+\.js["']/);
    }
  });

  it('is the one in the source page', () => {
    const source = readFileSync(join(ROOT, 'src/renderer/index.html'), 'utf8');
    expect(metaPolicy(html())).toBe(metaPolicy(source));
  });
});

describe('the Content-Security-Policy strata serve sends', () => {
  let backend: StrataBackend;
  let server: RunningServer;
  beforeAll(async () => {
    backend = new StrataBackend(new DemoSource());
    await backend.start();
    server = await startStrataServer({ backend, rendererDir: join(OUT, 'renderer'), token: 'csp-test-token-0123456789' });
  });
  afterAll(async () => {
    await server?.close();
    await backend?.stop();
  });

  it('is a header on the page, restricts scripts to the app and allows no eval, and forbids framing', async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const policy = expectStrictPolicy(response.headers.get('content-security-policy') ?? undefined, 'GET /');
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    await response.text();
  });

  it('is also sent with the page opened by its token URL and with the scripts, and agrees with the page’s own <meta>', async () => {
    const page = await fetch(server.openUrl);
    const header = parsePolicy(page.headers.get('content-security-policy') ?? '');
    const meta = parsePolicy(metaPolicy(await page.text()) ?? '');
    // The header may add what a <meta> cannot say (frame-ancestors); what both say, they say alike.
    for (const [name, sources] of meta) expect(header.get(name), name).toEqual(sources);

    const script = (await fetch(server.url).then((r) => r.text())).match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(script!, server.url));
    expect(asset.status).toBe(200);
    expectStrictPolicy(asset.headers.get('content-security-policy') ?? undefined, `GET /${script}`);
    await asset.arrayBuffer();
  });
});
