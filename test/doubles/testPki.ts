import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A throwaway PKI for tests, made by the system `openssl` in a temp folder: a CA, a server
 * certificate for 127.0.0.1/localhost, client certificates on demand, and an unrelated CA for
 * tests where TLS must fail. EC P-256 keys because they are generated in milliseconds.
 */
export interface PemPair {
  cert: string;
  key: string;
}

export interface TestPki {
  ca: PemPair;
  /** SAN IP:127.0.0.1 and DNS:localhost, signed by `ca`. */
  server: PemPair;
  /** A client certificate with CN=user and one O= per group, signed by `ca`. */
  clientCert(user: string, groups?: string[]): Promise<PemPair>;
  /** An unrelated CA: trusting it instead of `ca` makes the TLS handshake fail. */
  otherCa: PemPair;
  /** The folder holding the PEM files (ca.crt, server.key, ...). */
  dir: string;
  remove(): void;
}

const run = promisify(execFile);
const OPENSSL = '/usr/bin/openssl';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** openssl's -subj syntax: `/` separates attributes, so a literal one (or `\`) is escaped. */
const subjectValue = (value: string) => value.replace(/[\\/]/g, (c) => `\\${c}`);

export async function makeTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-pki-'));
  const file = (name: string) => join(dir, name);
  const read = (name: string): PemPair => ({ cert: readFileSync(file(`${name}.crt`), 'utf8'), key: readFileSync(file(`${name}.key`), 'utf8') });

  const makeCa = async (name: string, commonName: string) => {
    await run(OPENSSL, ['req', '-x509', ...EC_KEY, '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-days', '3650', '-subj', `/CN=${subjectValue(commonName)}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    return read(name);
  };

  // A leaf signed by the test CA; OpenSSL 3's `req -x509 -CA` signs in one step, so no CSR files.
  const makeLeaf = async (name: string, subject: string, extensions: string[]) => {
    const addext = extensions.flatMap((extension) => ['-addext', extension]);
    await run(OPENSSL, ['req', '-x509', ...EC_KEY, '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-keyout', file(`${name}.key`), '-out', file(`${name}.crt`), '-days', '365', '-subj', subject,
      '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', ...addext]);
    return read(name);
  };

  try {
    const [ca, otherCa] = await Promise.all([makeCa('ca', 'strata-test-ca'), makeCa('other-ca', 'strata-unrelated-ca')]);
    const server = await makeLeaf('server', '/CN=kube-apiserver', ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'extendedKeyUsage=serverAuth']);
    let clientCount = 0;
    const clientCert = async (user: string, groups: string[] = []) => {
      const subject = `/CN=${subjectValue(user)}${groups.map((group) => `/O=${subjectValue(group)}`).join('')}`;
      return makeLeaf(`client-${++clientCount}`, subject, ['extendedKeyUsage=clientAuth']);
    };
    writeFileSync(file('README'), 'Throwaway test PKI made by test/doubles/testPki.ts. Safe to delete.\n');
    return { ca, server, clientCert, otherCa, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
