/**
 * The page's calls to its own admin endpoint (same origin, so the write API's Origin rule
 * lets them through): reads of /status and /readyz, and the write API with the admin token,
 * which is asked for once and kept in sessionStorage (gone when the tab closes). Failures come
 * back as messages built from the server's problem+json.
 */
import { networkMessage, okMessage, problemMessage, type Message, type WireHistoryEntry } from '../model/index.js';

const TOKEN_KEY = 'overseer.adminToken';

export const token = {
  get(): string | undefined {
    try {
      return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
    } catch {
      return undefined; // storage disabled: the token is asked for again
    }
  },
  set(value: string): void {
    try {
      sessionStorage.setItem(TOKEN_KEY, value);
    } catch {
      /* kept for this page only */
    }
  },
  clear(): void {
    try {
      sessionStorage.removeItem(TOKEN_KEY);
    } catch {
      /* nothing kept */
    }
  },
};

/** `root/workers/a b` → `root/workers/a%20b` (each segment encoded, slashes kept). */
export const actorUrl = (path: string, action: string) => `actors/${path.split('/').map(encodeURIComponent).join('/')}/${action}`;

export async function getStatus(): Promise<{ text: string }> {
  const res = await fetch('status', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/status answered ${res.status}`);
  return { text: await res.text() };
}

export async function getReadyz(): Promise<string> {
  const res = await fetch('readyz?verbose', { cache: 'no-store' });
  return res.text(); // 503 is an answer too: it lists what is not ready
}

export type Answer<T> = { ok: true; value: T; message: Message } | { ok: false; message: Message };

/** A write-API call with the token, if one is kept. */
async function call<T>(method: string, url: string, body: unknown, describe: (value: T) => string): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  const t = token.get();
  if (t) headers.authorization = `Bearer ${t}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, { method, headers, cache: 'no-store', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch (error) {
    return { ok: false, message: networkMessage(error) };
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) return { ok: false, message: problemMessage(res.status, text) };
  let value: T;
  try {
    value = (text === '' ? {} : JSON.parse(text)) as T;
  } catch {
    return { ok: false, message: problemMessage(res.status, `the answer is not JSON: ${text}`) };
  }
  return { ok: true, value, message: okMessage(describe(value)) };
}

interface ParamsAnswer {
  action?: string;
  changed?: Record<string, unknown>;
}

export const updateParams = (path: string, patch: Record<string, unknown>) =>
  call<ParamsAnswer>('PUT', actorUrl(path, 'params'), patch, (v) => (v.action === 'unchanged' ? `${path}: params unchanged` : `${path}: params updated (${v.action ?? 'applied'}): ${Object.keys(v.changed ?? {}).join(', ')}`));

export const history = (path: string) => call<{ entries: WireHistoryEntry[] }>('GET', actorUrl(path, 'history'), undefined, (v) => `${v.entries.length} change(s)`);

export const restart = (path: string) => call<unknown>('POST', actorUrl(path, 'restart'), undefined, () => `${path}: restarted`);

export const kill = (path: string) => call<unknown>('POST', actorUrl(path, 'kill'), undefined, () => `${path}: killed (its supervisor decides what follows)`);

