/** `overseer status [--url]`: fetches GET /status from a running system and prints the tree. */
import type { StatusNode } from '../system/status.js';
import { EXIT } from './exit-codes.js';
import { renderTree } from './render-tree.js';

export function defaultAdminUrl(env: Record<string, string | undefined> = process.env): string {
  return `http://${env.OVERSEER_ADMIN_HOST ?? '127.0.0.1'}:${env.OVERSEER_ADMIN_PORT ?? '7070'}`;
}

export async function runStatus(url: string): Promise<number> {
  let body: { tree?: StatusNode } & Partial<StatusNode>;
  try {
    const res = await fetch(new URL('/status', url));
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
