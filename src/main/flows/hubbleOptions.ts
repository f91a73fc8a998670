import { Option, type Command } from 'commander';
import { HubbleRelaySource } from './HubbleRelaySource';

export interface HubbleOptions {
  hubble?: string;
  hubbleCa?: string;
  hubbleCert?: string;
  hubbleKey?: string;
  hubbleServerName?: string;
}

/** The `--hubble` options, shared by serve and record. */
export function addHubbleOptions(command: Command): Command {
  return command
    .addOption(new Option('--hubble <host:port>', 'Hubble Relay to read observed traffic from (e.g. localhost:4245 when port-forwarded)'))
    .addOption(new Option('--hubble-ca <file>', 'CA bundle that signed Hubble Relay\'s certificate (enables TLS)'))
    .addOption(new Option('--hubble-cert <file>', 'client certificate for Hubble Relay (mTLS)'))
    .addOption(new Option('--hubble-key <file>', 'client key for Hubble Relay (mTLS)'))
    .addOption(new Option('--hubble-server-name <name>', 'server name to verify Hubble Relay\'s certificate against'));
}

export function hubbleSource(options: HubbleOptions): HubbleRelaySource | undefined {
  if (!options.hubble) return undefined;
  const tls = options.hubbleCa || options.hubbleCert ? { ca: options.hubbleCa, cert: options.hubbleCert, key: options.hubbleKey, serverName: options.hubbleServerName } : undefined;
  return new HubbleRelaySource({ address: options.hubble, ...(tls ? { tls } : {}) });
}
