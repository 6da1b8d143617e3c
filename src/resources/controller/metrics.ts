/**
 * Controller metrics under controller-runtime's names, for /metrics: reconcile counts by result
 * and their durations from the `reconcile_*` events, workqueue and worker figures from what
 * each controller reports about itself (its /status `info`).
 */
import type { EventEnvelope } from '../../events/catalogue.js';
import type { StatusNode } from '../../system/status.js';

type PromClient = typeof import('prom-client');
type Histogram = import('prom-client').Histogram<'controller'>;

const RESULTS: Record<string, string> = { reconcile_succeeded: 'success', reconcile_failed: 'error' };

/** What a controller's /status `info` holds (controller.ts reports it). */
interface ControllerInfo {
  workqueue: { depth: number; adds: number; retries: number };
  active: number;
  maxConcurrentReconciles: number;
}

const isController = (n: StatusNode): n is StatusNode & { info: ControllerInfo } => typeof (n.info as { workqueue?: unknown } | undefined)?.workqueue === 'object';

export class ControllerMetrics {
  private readonly totals = new Map<string, number>();
  private histogram: Histogram | undefined;
  /** Durations seen before prom-client was loaded (it is loaded on the first reconcile event). */
  private pending: [string, number][] = [];

  /** True for a reconcile event: the caller loads prom-client now, so no duration waits long. */
  observe(event: EventEnvelope): boolean {
    if (!event.type.startsWith('reconcile_')) return false;
    const d = event.data as { controller?: unknown; reason?: unknown; durationMs?: unknown };
    const controller = String(d.controller);
    const result = RESULTS[event.type] ?? (d.reason === 'requeue' ? 'requeue' : 'requeue_after');
    const k = `${controller}\u0000${result}`;
    this.totals.set(k, (this.totals.get(k) ?? 0) + 1);
    const seconds = Math.max(0, Number(d.durationMs) || 0) / 1000;
    if (this.histogram) this.histogram.observe({ controller }, seconds);
    else this.pending.push([controller, seconds]);
    return true;
  }

  register({ Counter, Gauge, Histogram }: PromClient, registers: import('prom-client').Registry[], nodes: () => StatusNode[]): void {
    const totals = this.totals;
    const controllers = () => nodes().filter(isController);
    new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Reconciles per controller by result (success, error, requeue, requeue_after)',
      labelNames: ['controller', 'result'],
      registers,
      collect() {
        this.reset();
        for (const [k, v] of totals) {
          const [controller, result] = k.split('\u0000') as [string, string];
          this.inc({ controller, result }, v);
        }
      },
    });
    new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Reconciles that failed (threw or timed out), per controller',
      labelNames: ['controller'],
      registers,
      collect() {
        this.reset();
        for (const [k, v] of totals) if (k.endsWith('\u0000error')) this.inc({ controller: k.split('\u0000')[0]! }, v);
      },
    });
    this.histogram = new Histogram({ name: 'controller_runtime_reconcile_time_seconds', help: 'How long each reconcile took, per controller', labelNames: ['controller'], registers });
    for (const [controller, seconds] of this.pending) this.histogram.observe({ controller }, seconds);
    this.pending = [];
    const fromInfo = (name: string, help: string, label: 'name' | 'controller', value: (i: ControllerInfo) => number, kind: 'gauge' | 'counter') => {
      const Metric = kind === 'gauge' ? Gauge : Counter;
      new Metric({
        name,
        help,
        labelNames: [label],
        registers,
        collect(this: { reset(): void; inc?(l: object, v: number): void; set?(l: object, v: number): void }) {
          this.reset();
          for (const n of controllers()) {
            const v = Number(value(n.info)) || 0;
            if (this.set) this.set({ [label]: n.path }, v);
            else this.inc!({ [label]: n.path }, v);
          }
        },
      } as never);
    };
    fromInfo('workqueue_depth', 'Keys waiting in the workqueue', 'name', (i) => i.workqueue.depth, 'gauge');
    fromInfo('workqueue_adds_total', 'Keys added to the workqueue (de-duplicated adds not counted)', 'name', (i) => i.workqueue.adds, 'counter');
    fromInfo('workqueue_retries_total', 'Rate-limited re-adds after failures', 'name', (i) => i.workqueue.retries, 'counter');
    fromInfo('controller_runtime_active_workers', 'Reconciles running now', 'controller', (i) => i.active, 'gauge');
    fromInfo('controller_runtime_max_concurrent_reconciles', 'maxConcurrentReconciles of the controller', 'controller', (i) => i.maxConcurrentReconciles, 'gauge');
  }
}
