/** `overseer status [--url]`: fetches GET /status from a running system and prints the tree. */
import type { StatusNode } from '../system/status.js';
import { EXIT } from './exit-codes.js';
import { renderTree } from './render-tree.js';

export function defaultAdminUrl(env: Record<string, string | undefined> = process.env): string {
  return `http://${env.OVERSEER_ADMIN_HOST ?? '127.0.0.1'}:${env.OVERSEER_ADMIN_PORT ?? '7070'}`;
}

/** `localhost:7070` and `127.0.0.1:7070/` mean http://…: people type what curl accepts. */
export function adminBaseUrl(input: string): URL | undefined {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `http://${input}`;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export async function runStatus(input: string): Promise<number> {
  const base = adminBaseUrl(input);
  if (base === undefined) {
    process.stderr.write(`overseer status: --url "${input}" is not an http(s) URL (e.g. http://127.0.0.1:7070)\n`);
    return EXIT.USAGE;
  }
  const url = base.origin;
  let body: { tree?: StatusNode } & Partial<StatusNode>;
  try {
    const res = await fetch(new URL('/status', base));
    if (!res.ok) {
      process.stderr.write(`overseer status: ${url}/status answered ${res.status}\n`);
      return 1;
    }
    body = (await res.json()) as typeof body;
  } catch (error) {
    process.stderr.write(`overseer status: cannot reach ${url} (${(error as Error).message}); is the system running?\n`);
    return 1;
  }
  const tree = (body.tree ?? body) as StatusNode;
  process.stdout.write(renderTree(tree) + '\n');
  return EXIT.OK;
}
