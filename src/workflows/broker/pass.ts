/**
 * One pass of the broker over a state (decide.ts runs passes until nothing more follows):
 * settle failed actions (retry or fail the execution), start iterator elements, complete the
 * runs whose actions are done (taking every transition whose `when` holds), and fire the joins
 * that can fire. It evaluates expressions only where a playbook has them; otherwise it stays
 * synchronous.
 */
import { renderTemplate, truthy, type Template } from '../expressions.js';
import { logEvent, type AnyExecutionEvent, type Arrival, type ErrorInfo, type ExecutionEventData, type ExecutionEventType } from '../log.js';
import type { Playbook, RetrySpec, StepSpec } from '../playbook/types.js';
import { elementContext, prepareElements, startable } from './iterator.js';
import { isTerminal, originOf, type ExecutionState, type PendingArrival, type StepRun } from './state.js';

/** The delay before attempt `failed + 1`: initialMs × factor^(failed-1), at most maxMs. No jitter: a decision is a function of the log. */
export const retryDelay = (retry: RetrySpec, failed: number): number => Math.min(retry.maxMs, Math.round(retry.initialMs * retry.factor ** (failed - 1)));

/** One pass over the state: settle failures, start iterations, complete runs, fire the joins that can fire. */
export class Pass {
  constructor(
    private readonly playbook: Playbook,
    private readonly s: ExecutionState,
    private readonly emit: (e: AnyExecutionEvent) => void,
  ) {}

  private event<T extends ExecutionEventType>(type: T, data: ExecutionEventData[T], detail?: string): void {
    this.emit(logEvent(this.s.id, type, data, detail) as AnyExecutionEvent);
  }

  fail(step: string, error: ErrorInfo): void {
    this.event('execution_failed', { step, error });
  }

  private context(input: unknown, output?: unknown): object {
    const s = this.s;
    return { workload: s.workload, steps: s.outputs, input, output, execution: { id: s.id, playbook: s.playbook } };
  }

  /** A value expression that fails ends the execution (there is no value to go on with): undefined then. */
  private async render(template: Template, context: object, step: string, field: string): Promise<{ value: unknown } | undefined> {
    try {
      return { value: await renderTemplate(template, context) };
    } catch (error) {
      this.fail(step, { code: 'expression', message: `${field}: ${(error as Error).message}` });
      return undefined;
    }
  }

  async run(): Promise<void> {
    for (const run of [...this.s.runs.values()]) {
      if (isTerminal(this.s)) return;
      if (run.status !== 'running') continue;
      const advanced = this.advance(run, this.playbook.steps.get(run.step)!);
      if (advanced) await advanced; // only expressions make a decision wait
    }
    const targets = [...new Set(this.s.arrivals.map((a) => a.step))];
    for (const step of targets) {
      if (isTerminal(this.s)) return;
      const arrivals = this.s.arrivals.filter((a) => a.step === step);
      const spec = this.playbook.steps.get(step)!;
      if (arrivals.length === 0 || (spec.join === 'all' && this.canStillArrive(step))) continue;
      const fired = this.fire(spec, spec.join === 'any' ? [arrivals[0]!] : arrivals);
      if (fired) await fired;
    }
    if (!isTerminal(this.s) && this.s.arrivals.length === 0 && ![...this.s.runs.values()].some((r) => r.status === 'running')) {
      const step = this.s.lastCompleted ?? this.playbook.start;
      this.fail(step, { code: 'dead_end', message: `no next of "${step}" matched and no other branch is running: the execution cannot reach an end` });
    }
  }

  /** Settles failures, starts iterations, completes the run when its actions are done; a promise only when an expression is evaluated. */
  private advance(run: StepRun, spec: StepSpec): Promise<void> | void {
    const ref = { step: run.step, visit: run.visit };
    for (const slot of run.actions) {
      if (!slot || slot.status !== 'failed') continue;
      const { error, retryable } = slot.failure!;
      const index = spec.iterator ? { index: slot.index } : {};
      if (retryable && slot.attempt < spec.retry.maxAttempts) this.event('action_retry', { ...ref, ...index, attempt: slot.attempt + 1, delayMs: retryDelay(spec.retry, slot.attempt) });
      else return this.fail(run.step, error);
    }
    if (spec.type === 'route') return this.complete(run, spec, run.input);
    if (!spec.iterator) return run.completedActions === 1 ? this.complete(run, spec, run.actions[0]!.output) : undefined;
    return spec.with ? this.iterate(run, spec) : this.iterateSync(run, spec);
  }

  private iterateSync(run: StepRun, spec: StepSpec): Promise<void> | void {
    const elements = run.elements ?? [];
    for (const index of startable(spec.iterator!, run)) this.event('iteration_started', { step: run.step, visit: run.visit, index, input: elements[index] });
    return this.iterationsDone(run, spec);
  }

  private async iterate(run: StepRun, spec: StepSpec): Promise<void> {
    const elements = run.elements ?? [];
    for (const index of startable(spec.iterator!, run)) {
      const item = elements[index];
      const rendered = await this.render(spec.with!, elementContext(this.context(run.input), spec.iterator!, item, index), run.step, 'with');
      if (!rendered) return;
      this.event('iteration_started', { step: run.step, visit: run.visit, index, input: item, with: rendered.value });
    }
    await this.iterationsDone(run, spec);
  }

  private iterationsDone(run: StepRun, spec: StepSpec): Promise<void> | void {
    const count = run.elements?.length ?? 0;
    if (run.actions.length !== count || run.completedActions !== count) return;
    this.event('iterator_completed', { step: run.step, visit: run.visit, count });
    return this.complete(run, spec, run.actions.map((a) => a.output));
  }

  /** step_completed, with the transitions taken (every `next` whose `when` holds). */
  private complete(run: StepRun, spec: StepSpec, output: unknown): Promise<void> | void {
    if (spec.next.some((n) => n.when || n.with)) return this.completeEvaluating(run, spec, output);
    this.event('step_completed', { step: run.step, visit: run.visit, output, next: spec.next.map((n) => ({ step: n.step, from: run.key, input: output })) });
  }

  private async completeEvaluating(run: StepRun, spec: StepSpec, output: unknown): Promise<void> {
    const next: Arrival[] = [];
    const context = this.context(run.input, output);
    for (const [k, n] of spec.next.entries()) {
      if (n.when) {
        let taken: boolean;
        try {
          taken = truthy(await n.when.evaluate(context));
        } catch (error) {
          this.event('expression_failed', { step: run.step, visit: run.visit, field: `next[${k}].when`, expression: n.when.source, error: (error as Error).message }, `next.${k}.when`);
          taken = false;
        }
        if (!taken) continue;
      }
      let input = output;
      if (n.with) {
        const rendered = await this.render(n.with, context, run.step, `next[${k}].with`);
        if (!rendered) return;
        input = rendered.value;
      }
      next.push({ step: n.step, from: run.key, input });
    }
    this.event('step_completed', { step: run.step, visit: run.visit, output, next });
  }

  /** Whether a branch that is still live (a running step, an arrival elsewhere) could lead to `step`. */
  private canStillArrive(step: string): boolean {
    return this.liveTokens(step).length > 0;
  }

  /** The runs and arrivals (other than those at `step`) from which `step` can still be reached. */
  private liveTokens(step: string): string[] {
    const reach = this.playbook.reach;
    const out: string[] = [];
    for (const r of this.s.runs.values()) if (r.status === 'running' && reach.get(r.step)!.has(step)) out.push(r.key);
    for (const a of this.s.arrivals) if (a.step !== step && reach.get(a.step)!.has(step)) out.push(a.id);
    return out;
  }

  /** Starts a step (or ends the execution) with these arrivals; a promise only when an expression is evaluated. */
  private fire(spec: StepSpec, arrivals: PendingArrival[]): Promise<void> | void {
    const from = arrivals.map((a) => a.id);
    const input = arrivals.length === 1 ? arrivals[0]!.input : Object.fromEntries(arrivals.map((a) => [originOf(a.id).split('#')[0], a.input]));
    if (spec.type === 'end') {
      if (!spec.with) return this.event('execution_completed', { result: input, from });
      return this.render(spec.with, this.context(input), spec.step, 'with').then((rendered) => {
        if (rendered) this.event('execution_completed', { result: rendered.value, from });
      });
    }
    const visit = (this.s.visits.get(spec.step) ?? 0) + 1;
    // join: any drops the branches that could still arrive, and the other arrivals already here.
    const absorbs = spec.join === 'any' ? [...this.liveTokens(spec.step), ...this.s.arrivals.filter((a) => a.step === spec.step && !from.includes(a.id)).map((a) => a.id)] : [];
    const base = { step: spec.step, visit, from, input, ...(absorbs.length > 0 ? { absorbs } : {}) };
    if (spec.iterator) return this.fireIterator(spec, base);
    if (spec.type === 'task' && spec.with) {
      return this.render(spec.with, this.context(input), spec.step, 'with').then((rendered) => {
        if (rendered) this.event('step_started', { ...base, with: rendered.value });
      });
    }
    this.event('step_started', base);
  }

  private async fireIterator(spec: StepSpec, base: ExecutionEventData['step_started']): Promise<void> {
    let prepared: Awaited<ReturnType<typeof prepareElements>>;
    try {
      prepared = await prepareElements(spec.iterator!, this.context(base.input));
    } catch (error) {
      return this.fail(spec.step, { code: 'expression', message: `iterator: ${(error as Error).message}` });
    }
    this.event('step_started', { ...base, elements: prepared.elements });
    for (const f of prepared.failures) {
      this.event('expression_failed', { step: spec.step, visit: base.visit, field: `${f.field} (element ${f.index})`, expression: f.expression, error: f.error }, `iterator.where.${f.index}`);
    }
  }
}
