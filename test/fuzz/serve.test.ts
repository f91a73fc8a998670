/**
 * Fuzz: what a WebSocket client sends to `strata serve`. Messages that are not JSON, requests of
 * unknown names, parameters of wrong types for every request, oversized messages and a flood of
 * requests: each request gets an answer or a refusal in one sentence, a broken message closes only
 * its own socket, and the server keeps serving other clients.
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StrataBackend } from '../../src/main/backend/StrataBackend';
import { startStrataServer, WEBSOCKET_PATH, type RunningServer } from '../../src/main/server/StrataServer';
import { DemoSource } from '../../src/main/sources/DemoSource';
import { ContractError, REQUEST_NAMES, validateParams, type ServerMessage } from '../../src/shared/contract';
import { FUZZ, strangeValue, type Json } from './fuzzing';

const TOKEN = 'fuzz-token-0123456789';
let server: RunningServer;
let backend: StrataBackend;
beforeAll(async () => {
  backend = new StrataBackend(new DemoSource());
  await backend.start();
  server = await startStrataServer({ backend, rendererDir: '/nonexistent', token: TOKEN });
});
afterAll(async () => {
  await server.close();
  await backend.stop();
});

/** Requests that change what the server does for everyone (switch the source, start recording, read a file) are fuzzed through validateParams only. */
const SIDE_EFFECTS = new Set(['source.select', 'recording.start', 'recording.stop', 'flows.import', 'replay.live', 'replay.seek', 'replay.step']);
const SAFE_NAMES = REQUEST_NAMES.filter((name) => !SIDE_EFFECTS.has(name));

/** Parameters of every shape, with the names the validators read filled with strange values. */
const params: fc.Arbitrary<Json> = fc.oneof(
  strangeValue,
  fc.dictionary(fc.constantFrom('id', 'spec', 'base', 'query', 'view', 'options', 'yaml', 'whatIf', 't', 'a', 'b', 'direction', 'kind', 'name', 'path', 'namespaces', 'from', 'to', 'port', 'protocol', 'level', 'expanded', 'collapsed'), strangeValue, { maxKeys: 5 }),
  fc.record({ spec: fc.dictionary(fc.constantFrom('level', 'expanded', 'collapsed', 'namespaces', 'filter', 'focus'), strangeValue, { maxKeys: 4 }) }),
  fc.record({ query: fc.dictionary(fc.constantFrom('from', 'to', 'port', 'protocol'), fc.oneof(strangeValue, fc.constantFrom('shop/checkout', 'Pod/shop/cart-0', 'payments', 80)), { maxKeys: 4 }) }),
);

class Client {
  private nextId = 1;
  private readonly pending = new Map<number, (message: ServerMessage) => void>();
  readonly closed: Promise<number>;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.type === 'response') this.pending.get(message.id)?.(message);
    });
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }

  static async open(): Promise<Client> {
    const socket = new WebSocket(`${server.url.replace('http', 'ws').replace(/\/$/, '')}${WEBSOCKET_PATH}?token=${TOKEN}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Client(socket);
  }

  request(name: unknown, params: unknown): Promise<ServerMessage> {
    const id = this.nextId++;
    const answered = new Promise<ServerMessage>((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ type: 'request', id, name, params }));
    });
    // A socket the server closes instead of answering fails the request at once, not at the test's timeout.
    return Promise.race([answered, this.closed.then((code) => Promise.reject(new Error(`the server closed the socket (${code}) instead of answering ${JSON.stringify(name)}`)))]);
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  close(): void {
    this.socket.close();
  }
}

/** A refusal is a sentence the page can show; an internal failure means a validator let something through. */
function expectAnswerOrRefusal(message: ServerMessage): void {
  if (message.type !== 'response' || !('error' in message)) return;
  expect(message.error.message, message.error.message).not.toMatch(/failed inside Strata|\n|\bundefined\b|\[object Object\]/);
}

describe('WebSocket messages to strata serve', () => {
  it('validate the parameters of every request: a checked value or a ContractError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REQUEST_NAMES), params, (name, value) => {
        try {
          validateParams(name, value);
        } catch (error) {
          expect(error).toBeInstanceOf(ContractError);
        }
      }),
      FUZZ,
    );
  });

  it('with wrong parameter types or unknown names get an answer or a one-sentence refusal', async () => {
    const errors = vi.spyOn(console, 'error');
    const client = await Client.open();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...SAFE_NAMES), fc.string({ maxLength: 20 })), params, async (name, value) => {
        expectAnswerOrRefusal(await client.request(name, value));
      }),
      { ...FUZZ, numRuns: Math.max(50, Math.round(FUZZ.numRuns! / 2)) },
    );
    client.close();
    expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([]);
    errors.mockRestore();
  });

  it('that are not requests close only their own socket; the next client is served', async () => {
    const notRequests = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => !isJsonRequest(s)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)).filter((s) => !isJsonRequest(s)),
      fc.record({ type: fc.constantFrom('request', 'response', 'event'), id: strangeValue, name: fc.constantFrom(...SAFE_NAMES) }).map((m) => JSON.stringify(m)).filter((s) => !isJsonRequest(s)),
    );
    await fc.assert(
      fc.asyncProperty(notRequests, async (data) => {
        const client = await Client.open();
        client.sendRaw(data);
        expect(await client.closed).toBe(1003);
      }),
      { ...FUZZ, numRuns: Math.max(30, Math.round(FUZZ.numRuns! / 4)) },
    );
    const next = await Client.open();
    expect(await next.request('session.get', {})).toMatchObject({ type: 'response', result: { source: { kind: 'demo' } } });
    next.close();
  });

  it('of 50 MB close that socket with 1009, and the server serves the others', async () => {
    const bystander = await Client.open();
    const flooder = await Client.open();
    flooder.sendRaw(Buffer.alloc(50 * 1024 * 1024, 0x7b));
    expect(await flooder.closed).toBe(1009);
    expect(await bystander.request('session.get', {})).toMatchObject({ type: 'response', result: { sync: 'loaded' } });
    bystander.close();
  });

  it('sent by the thousand at once are all answered, and another client is still served', async () => {
    const flooder = await Client.open();
    const bystander = await Client.open();
    const answers = await Promise.all(Array.from({ length: 3000 }, (_, i) => flooder.request(i % 3 === 0 ? 'session.get' : i % 3 === 1 ? 'object.get' : 'no.such', { id: 'Pod/shop/x' })));
    expect(answers.filter((a) => a.type === 'response')).toHaveLength(3000);
    expect(await bystander.request('session.get', {})).toMatchObject({ type: 'response', result: { sync: 'loaded' } });
    flooder.close();
    bystander.close();
  });
});

function isJsonRequest(text: string): boolean {
  try {
    const message = JSON.parse(text) as { type?: unknown; id?: unknown };
    return message?.type === 'request' && typeof message.id === 'number';
  } catch {
    return false;
  }
}
