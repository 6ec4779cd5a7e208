// A keep-alive load generator: N connections, each sending requests back to
// back, recording who answered on which connection. It is the client side of
// the "no request fails during a swap" tests.
import * as http from 'node:http';
import type * as net from 'node:net';

export interface LoadResult {
  status: number;
  servedBy: string;
  pid: string;
  connection: number;
}

export class KeepAliveLoad {
  readonly results: LoadResult[] = [];
  readonly errors: Error[] = [];
  connectionsOpened = 0;
  private readonly agent: http.Agent;
  private readonly ids = new WeakMap<net.Socket, number>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly target: http.RequestOptions,
    private readonly connections = 64,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
    const create = this.agent.createConnection.bind(this.agent) as (...args: unknown[]) => net.Socket;
    (this.agent as unknown as { createConnection: unknown }).createConnection = (...args: unknown[]) => {
      const socket = create(...args);
      this.ids.set(socket, ++this.connectionsOpened);
      return socket;
    };
  }

  start(): void {
    this.running = true;
    for (let i = 0; i < this.connections; i++) this.loops.push(this.loop());
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        this.results.push(await this.once());
      } catch (err) {
        this.errors.push(err as Error);
      }
    }
  }

  private once(): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const req = http.request({ ...this.target, agent: this.agent, path: '/' }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            servedBy: String(res.headers['x-served-by']),
            pid: String(res.headers['x-pid']),
            connection: this.ids.get(req.socket!) ?? -1,
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  count(servedBy: string): number {
    return this.results.filter((r) => r.servedBy === servedBy).length;
  }

  async until(test: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`load condition not met within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.agent.destroy();
  }
}
