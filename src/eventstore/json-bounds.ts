/**
 * The bounds every stored event keeps (README, event store limits): how many events an append
 * carries, how deep and how large `data` and `metadata` are, and that they are plain JSON.
 * The checker's own recursion stops at the depth bound, so no input can overflow its stack;
 * what passes can be serialized and parsed by any reader (JSON.stringify recurses per level).
 */
import { InvalidStoreRequestError } from './errors.js';

export const EVENT_LIMITS = Object.freeze({
  /** Events in one append. */
  eventsPerAppend: 1000,
  /** Nesting of arrays and objects in `data` or `metadata` (`{}` is 1, `{"a":[]}` is 2). */
  depth: 64,
  /** JSON text of one event's `data` and `metadata` together, in characters. */
  eventChars: 1024 * 1024,
});

/** The first problems a refusal lists; the rest are counted (a 100k-event append stays a small answer). */
export const PROBLEMS_SHOWN = 10;

const isPlainObject = (v: object) => {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};
const KEY_SHOWN = 40;
const pathKey = (key: string | number) =>
  typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) && key.length <= KEY_SHOWN ? `.${key}` : `[${JSON.stringify(key.length > KEY_SHOWN ? `${key.slice(0, KEY_SHOWN)}…` : key)}]`;

/**
 * One walk over a value. It recurses, but never deeper than `maxDepth` (it refuses the level
 * below before entering it), so its stack is bounded whatever the input; `keys` is the path
 * to where it is, formatted only for a message.
 */
class Walk {
  chars = 0;
  private readonly keys: (string | number)[] = [];

  constructor(
    private readonly root: string,
    private readonly maxChars: number,
    private readonly maxDepth: number,
  ) {}

  value(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'string':
        this.chars += value.length + 2;
        return;
      case 'number':
        if (!Number.isFinite(value)) this.fail(`${value} is not a finite number; JSON has no NaN or Infinity (did a literal such as 1e400 overflow?)`, 'number_not_finite');
        this.chars += String(value).length;
        return;
      case 'boolean':
        this.chars += value ? 4 : 5;
        return;
      case 'undefined':
        this.chars += 4; // an array hole is written as null (undefined object members are left out below)
        return;
      case 'object':
        if (value === null) this.chars += 4;
        else this.container(value, depth);
        return;
      default:
        this.fail(`a ${typeof value} is not a JSON value`, 'not_json');
    }
  }

  private container(value: object, depth: number): void {
    if (depth >= this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels of arrays and objects`, 'nesting_too_deep');
    const { keys } = this;
    if (Array.isArray(value)) {
      this.chars += 2 + Math.max(0, value.length - 1);
      for (let i = 0; i < value.length && this.chars <= this.maxChars; i++) {
        keys.push(i);
        this.value(value[i], depth + 1);
        keys.pop();
      }
      return;
    }
    if (!isPlainObject(value)) {
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      this.fail(`${typeof name === 'string' && name ? `a ${name.slice(0, KEY_SHOWN)}` : 'this object'} is not a plain JSON object (pass plain objects, arrays, strings, finite numbers, booleans, null)`, 'not_json');
    }
    let members = 0;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const member = (value as Record<string, unknown>)[key];
      if (member === undefined) continue; // JSON.stringify leaves it out
      members += 1;
      this.chars += key.length + 3; // "key":
      keys.push(key);
      this.value(member, depth + 1);
      keys.pop();
      if (this.chars > this.maxChars) return;
    }
    this.chars += 2 + Math.max(0, members - 1);
  }

  private fail(message: string, problem: 'nesting_too_deep' | 'number_not_finite' | 'not_json'): never {
    throw new InvalidStoreRequestError(`${this.root}${this.keys.map(pathKey).join('')}: ${message}`, problem);
  }
}

/**
 * Checks one JSON value (`data` or `metadata`, named `root` in the messages); returns the
 * length of its JSON text, escape sequences counted as one character each (so a string's
 * cost is its length: the check never scans string contents). Stops counting, and answers
 * a number above `maxChars`, as soon as the text is known to be longer than that.
 * Throws InvalidStoreRequestError: `nesting_too_deep`, `number_not_finite` or `not_json`.
 * @example
 * jsonCharsChecked({ a: [1, 2] }, 'data'); // 11, as JSON.stringify's '{"a":[1,2]}'
 * jsonCharsChecked(JSON.parse('[1e400]'), 'data'); // throws number_not_finite: data[0]
 */
export function jsonCharsChecked(value: unknown, root: string, maxChars = Infinity, maxDepth: number = EVENT_LIMITS.depth): number {
  const walk = new Walk(root, maxChars, maxDepth);
  walk.value(value, 0);
  return walk.chars;
}

/**
 * Checks the events of one append: their number, then each event's `data` and `metadata`.
 * Throws InvalidStoreRequestError (`too_many_events`, `event_too_large`, or one of
 * jsonCharsChecked's codes) naming the first offending event.
 */
export function checkEventBounds(events: readonly unknown[]): void {
  checkEventCount(events);
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as { readonly data?: unknown; readonly metadata?: unknown } | null;
    if (typeof event !== 'object' || event === null) continue; // not an event at all: the shape check says so
    const max = EVENT_LIMITS.eventChars;
    let chars = jsonCharsChecked(event.data, `events[${i}].data`, max);
    if (event.metadata !== undefined && chars <= max) chars += jsonCharsChecked(event.metadata, `events[${i}].metadata`, max - chars);
    if (chars > max) {
      throw new InvalidStoreRequestError(`events[${i}]: data and metadata take more than ${max} characters of JSON, the most one event may carry`, 'event_too_large');
    }
  }
}

/** Refuses an append of more than EVENT_LIMITS.eventsPerAppend events, before anything looks at them. */
export function checkEventCount(events: unknown): void {
  if (Array.isArray(events) && events.length > EVENT_LIMITS.eventsPerAppend) {
    throw new InvalidStoreRequestError(`events: ${events.length} events in one append; at most ${EVENT_LIMITS.eventsPerAppend} (split it, with expectedVersion to keep the order)`, 'too_many_events');
  }
}

/** Why an append cannot be stored as it is now (its objects may have changed since it was checked), or undefined. */
export function appendBoundsProblem(events: readonly unknown[]): InvalidStoreRequestError | undefined {
  try {
    checkEventBounds(events);
    return undefined;
  } catch (error) {
    return error instanceof InvalidStoreRequestError ? error : new InvalidStoreRequestError(`events: cannot be read as JSON: ${(error as Error)?.message}`, 'not_json');
  }
}

/**
 * Whether JSON text nests arrays and objects deeper than `max`, told by scanning the text:
 * for a request body before it is parsed, since parsing deep text is slow (500 ms for a
 * 1 MiB `[[[…`) even when nothing else is. Brackets inside strings do not count; for text
 * that is not JSON the answer means nothing (the parser refuses it next).
 */
export function textNestsDeeper(text: string, max: number): boolean {
  if (text.length <= 2 * max) return false; // too short to open more than max brackets and close them
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // To the closing quote: the next quote not escaped (preceded by an even run of backslashes).
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i < 0) return false;
        let backslashes = 0;
        while (text.charCodeAt(i - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** `problems` as one message: the first PROBLEMS_SHOWN, and how many there are in all. */
export function listProblems(problems: readonly string[]): string {
  if (problems.length <= PROBLEMS_SHOWN) return problems.join('; ');
  return `${problems.slice(0, PROBLEMS_SHOWN).join('; ')}; … ${problems.length} problems in all, the first ${PROBLEMS_SHOWN} shown`;
}
