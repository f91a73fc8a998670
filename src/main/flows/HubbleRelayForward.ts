import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { PortForward, type KubeConfig } from '@kubernetes/client-node';

/**
 * A local port that reaches Hubble Relay's pod through the API server (pods/portforward), as
 * `kubectl port-forward` does, so users need no second terminal. Each local connection gets its
 * own forwarded stream.
 */
export class HubbleRelayForward {
  private constructor(
    private readonly server: Server,
    readonly address: string,
    readonly target: string,
  ) {}

  static async open(config: KubeConfig, namespace: string, pod: string, port: number): Promise<HubbleRelayForward> {
    const forward = new PortForward(config);
    const connections = new Set<Socket>();
    const server = createServer((socket) => {
      connections.add(socket);
      socket.on('close', () => connections.delete(socket));
      forward.portForward(namespace, pod, [port], socket, null, socket).then(
        (ws) => {
          const webSocket = ws as { on?: (event: string, listener: () => void) => void; close?: () => void };
          webSocket.on?.('close', () => socket.destroy());
          socket.on('close', () => webSocket.close?.());
        },
        () => socket.destroy(),
      );
    });
    server.on('close', () => connections.forEach((s) => s.destroy()));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port: local } = server.address() as AddressInfo;
    return new HubbleRelayForward(server, `127.0.0.1:${local}`, `${namespace}/${pod}:${port}`);
  }

  close(): void {
    this.server.close();
  }
}
