// Task handlers for the demo playbooks in systems/playbooks/ (`run: ../behaviours/workflow-tasks.js#double`):
// each is `async (input, ctx) => output`; ctx has signal, heartbeat() and log. See README "Workflows".

/** { value } → { value: value × 2 } */
export async function double({ value }) {
  return { value: value * 2 };
}

/** { value } → { value: value + 1 } */
export async function increment({ value }) {
  return { value: value + 1 };
}

/** A number → its square, or { value } → { value: value² }. */
export async function square(input) {
  return typeof input === 'number' ? input * input : { value: input.value * input.value };
}

/** An array of numbers → their sum. */
export async function sum(numbers) {
  return numbers.reduce((a, b) => a + b, 0);
}

/** { temperature } → advice for a hot or a cold day (`input.kind`). */
export async function advise({ temperature, kind }) {
  return { temperature, advice: kind === 'hot' ? 'close the blinds and drink water' : 'wear a coat' };
}

/** Waits `ms` (default 2000), heartbeating every 500 ms so a long wait keeps its lease; then returns its input. */
export async function slow(input, ctx) {
  const ms = input?.ms ?? 2000;
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    await new Promise((resolve) => setTimeout(resolve, Math.min(500, ms - (Date.now() - started))));
    await ctx.heartbeat();
  }
  return input;
}
