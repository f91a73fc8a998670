/**
 * Fuzz: kubeconfig files, as people hand-edit and merge them. Loading, listing contexts, choosing
 * one and making a request either works or fails with one sentence naming the file, the context
 * or the server; nothing else is thrown.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { KubeApiClient } from '../../src/main/cluster/KubeApiClient';
import { KubeApiError } from '../../src/main/cluster/KubeApiError';
import { configForContext, KubeconfigError, listContexts, loadKubeconfig } from '../../src/main/cluster/kubeconfig';
import { kubeconfigYaml } from '../doubles/kubeconfigFile';
import { makeTestPki } from '../doubles/testPki';
import { FUZZ, pathsOf, strangeValue, withValueAt, type Json } from './fuzzing';

const dir = mkdtempSync(join(tmpdir(), 'strata-fuzz-kubeconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pki = await makeTestPki();
const client = await pki.clientCert('fuzz');
afterAll(() => pki.remove());
// Port 1 on loopback refuses at once: a request gets as far as the network, quickly.
const valid = kubeconfigYaml({
  contexts: [
    { name: 'prod', server: 'https://127.0.0.1:1', ca: pki.ca.cert, user: { token: 'fuzz-token' }, namespace: 'shop' },
    { name: 'dev', server: 'https://127.0.0.1:1', ca: pki.ca.cert, user: { clientCert: client } },
  ],
});
const validJson = parse(valid) as Json;
const validPaths = pathsOf(validJson);

let written = 0;
function fileWith(text: string): string {
  const file = join(dir, `config-${(written += 1)}`);
  writeFileSync(file, text);
  return file;
}

/** Everything a command does with a kubeconfig, up to its first request. */
async function useKubeconfig(file: string): Promise<void> {
  const failure = await (async () => {
    const loaded = loadKubeconfig({ files: [file], origin: '--kubeconfig' });
    for (const context of listContexts(loaded)) {
      const { config } = configForContext(loaded, context.name);
      const requestFailure = await new KubeApiClient(config).get('/version').then(() => undefined, (error: unknown) => error);
      expect(requestFailure).toBeInstanceOf(KubeApiError);
      expectOneLine((requestFailure as Error).message);
    }
  })().then(() => undefined, (error: unknown) => error);
  if (failure === undefined) return;
  // The request's own checks failing are this test's failures, not the kubeconfig's.
  if ((failure as Error).name === 'AssertionError') throw failure;
  expect(failure, String(failure)).toBeInstanceOf(KubeconfigError);
  expectOneLine((failure as Error).message);
  expect((failure as Error).message).toMatch(/kubeconfig|Kubeconfig|Context|Cluster/);
}

function expectOneLine(message: string): void {
  expect(message, message).not.toMatch(/\n|\bundefined\b|\[object Object\]/);
}

describe('kubeconfig files', () => {
  it('with wrong types, missing or strange values in any field load or fail with a sentence', async () => {
    const mutated = fc.array(fc.tuple(fc.constantFrom(...validPaths), fc.option(strangeValue, { nil: undefined, freq: 4 })), { minLength: 1, maxLength: 3 });
    await fc.assert(
      fc.asyncProperty(mutated, async (edits) => {
        const json = edits.reduce<Json>((value, [path, replacement]) => withValueAt(value, path, replacement), validJson);
        await useKubeconfig(fileWith(stringify(json)));
      }),
      FUZZ,
    );
  });

  it('cut short, bit-flipped or random bytes load or fail with a sentence', async () => {
    const damaged = fc.oneof(
      fc.nat(valid.length).map((n) => Buffer.from(valid.slice(0, n))),
      fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 7 })).map(([at, bit]) => {
        const bytes = Buffer.from(valid);
        bytes[at] ^= 1 << bit;
        return bytes;
      }),
      fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
    );
    await fc.assert(
      fc.asyncProperty(damaged, async (bytes) => {
        const file = join(dir, `bytes-${(written += 1)}`);
        writeFileSync(file, bytes);
        await useKubeconfig(file);
      }),
      FUZZ,
    );
  });

  it('with an alias bomb or deep nesting fail with a sentence naming the file', async () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`)].join('\n');
    for (const text of [laughs, '['.repeat(50_000) + ']'.repeat(50_000), `${valid}\nextra: *missing\n`]) {
      const file = fileWith(text);
      expect(() => loadKubeconfig({ files: [file], origin: '--kubeconfig' })).toThrow(KubeconfigError);
      await useKubeconfig(file);
    }
  });

  it('that once broke loading stay fixed', async () => {
    const edits: [(string | number)[], Json | undefined][] = [
      [['contexts', 1, 'context', 'cluster'], {}],
      [['contexts', 0, 'context', 'user'], undefined],
      [['clusters', 0, 'cluster', 'server'], '%'],
      [['contexts', 0, 'name'], {}],
      [['clusters', 0, 'cluster', 'server'], '127.0.0.1:1'],
    ];
    for (const [path, replacement] of edits) await useKubeconfig(fileWith(stringify(withValueAt(validJson, path, replacement))));
    await useKubeconfig(fileWith(valid.replace('fuzz-token', 'fuzz\u0001token')));
  });
});
