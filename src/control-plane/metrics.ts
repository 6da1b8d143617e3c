/**
 * Prometheus metrics in a private prom-client registry: counters fed by bus events (exits by
 * reason, dropped messages, store appends) and gauges read from the tree at scrape time
 * (readiness, mailbox depth, restarts, what actors report), so nothing is counted twice
 * across control-plane restarts. prom-client is loaded on the first scrape, not at start-up:
 * until then the counters are plain maps.
 */
import type { EventEnvelope } from '../events/catalogue.js';
import type { EventBus } from '../events/index.js';
import type { StatusNode } from '../system/status.js';
import { walk } from '../admin/routes/tree.js';
import { ControllerMetrics } from '../resources/controller/metrics.js';

type PromClient = typeof import('prom-client');

/** `a\u0000b` keys: label values of one series. */
const key = (...parts: string[]) => parts.join('\u0000');
const unkey = (k: string) => k.split('\u0000');

export class RuntimeMetrics {
  private readonly exits = new Map<string, number>();
  private readonly dropped = new Map<string, number>();
  private appended = 0;
  private readonly controllers = new ControllerMetrics();
  private registry: Promise<import('prom-client').Registry> | undefined;

  constructor(
    private readonly status: () => StatusNode,
    private readonly bus: EventBus,
    private readonly systemReady: () => boolean,
  ) {}

  observe(event: EventEnvelope): void {
    const d = event.data as Record<string, unknown>;
    if (event.type === 'child_deleted') this.forget(String(d.path));
    else if (event.type === 'child_exited') add(this.exits, key(String(d.path), String(d.reason)), 1);
    else if (event.type === 'messages_dropped') add(this.dropped, key(String(d.path), String(d.policy)), Number(d.count) || 0);
    else if (event.type === 'events_appended') this.appended += Math.max(0, Number(d.toVersion) - Number(d.fromVersion) + 1);
    // Reconcile durations go into a histogram, which needs prom-client loaded: load it now.
    else if (this.controllers.observe(event)) this.registry ??= import('prom-client').then((prom) => this.build(prom));
  }

  /** A child left the tree for good: its series (and its subtree's) leave /metrics. */
  private forget(path: string): void {
    for (const map of [this.exits, this.dropped]) {
      for (const k of map.keys()) {
        const p = unkey(k)[0]!;
        if (p === path || p.startsWith(path + '/')) map.delete(k);
      }
    }
  }

  async render(): Promise<{ contentType: string; body: string }> {
    this.registry ??= import('prom-client').then((prom) => this.build(prom));
    const registry = await this.registry;
    return { contentType: registry.contentType, body: await registry.metrics() };
  }

  private build(prom: PromClient): import('prom-client').Registry {
    const { Registry, Counter, Gauge } = prom;
    const registry = new Registry();
    const registers = [registry];
    const self = this;
    const nodes = () => [...walk(this.status())];
    // Figures the event-store actors report about themselves (StatusNode.info).
    const reported = (behaviour: string) => nodes().filter((n) => n.behaviour === behaviour && n.info !== undefined);
    const fromMap = (map: Map<string, number>, labels: string[]) =>
      function (this: { reset(): void; inc(l: Record<string, string>, v: number): void }) {
        this.reset();
        for (const [k, v] of map) this.inc(Object.fromEntries(unkey(k).map((value, i) => [labels[i]!, value])), v);
      };
    new Counter({ name: 'overseer_actor_exits_total', help: 'Actor exits by reason', labelNames: ['path', 'reason'], registers, collect: fromMap(this.exits, ['path', 'reason']) });
    new Counter({ name: 'overseer_mailbox_dropped_messages_total', help: 'Messages lost to mailbox overflow', labelNames: ['path', 'policy'], registers, collect: fromMap(this.dropped, ['path', 'policy']) });
    new Counter({
      name: 'overseer_store_appended_events_total',
      help: 'Events appended to the store',
      registers,
      collect() {
        this.reset();
        this.inc(self.appended);
      },
    });
    new Counter({
      name: 'overseer_actor_restarts_total',
      help: 'Restarts per actor since the system started',
      labelNames: ['path'],
      registers,
      collect() {
        this.reset();
        for (const n of nodes()) if (n.restarts > 0) this.inc({ path: n.path }, n.restarts);
      },
    });
    new Gauge({
      name: 'overseer_actor_ready',
      help: '1 when the actor is ready',
      labelNames: ['path', 'required'],
      registers,
      collect() {
        this.reset();
        for (const n of nodes()) this.set({ path: n.path, required: String(n.required) }, n.ready ? 1 : 0);
      },
    });
    new Gauge({
      name: 'overseer_mailbox_depth',
      help: 'Messages waiting in the mailbox',
      labelNames: ['path'],
      registers,
      collect() {
        this.reset();
        for (const n of nodes()) if (n.mailbox) this.set({ path: n.path }, n.mailbox.depth);
      },
    });
    new Gauge({
      name: 'overseer_bus_subscriber_dropped_events',
      help: 'Events dropped per bus subscriber (buffer full), since the subscription began',
      labelNames: ['subscriber', 'mode'],
      registers,
      collect() {
        this.reset();
        for (const s of self.bus.stats()) this.set({ subscriber: s.name, mode: s.mode }, s.dropped);
      },
    });
    new Gauge({
      name: 'overseer_store_subscriptions',
      help: 'Open store subscriptions by state (catching_up, live, paused = waiting for a slow reader)',
      labelNames: ['path', 'state'],
      registers,
      collect() {
        this.reset();
        for (const n of reported('notification')) for (const state of ['catching_up', 'live', 'paused']) this.set({ path: n.path, state }, Number(n.info![state]) || 0);
      },
    });
    new Gauge({
      name: 'overseer_store_subscription_lag_events',
      help: 'Most events stored but not yet delivered to any one subscription',
      labelNames: ['path'],
      registers,
      collect() {
        this.reset();
        for (const n of reported('notification')) this.set({ path: n.path }, Number(n.info!.maxLag) || 0);
      },
    });
    new Gauge({
      name: 'overseer_store_head_position',
      help: 'Global position of the last committed event',
      labelNames: ['path'],
      registers,
      collect() {
        this.reset();
        for (const n of reported('persistence')) this.set({ path: n.path }, Number(n.info!.head) || 0);
      },
    });
    new Gauge({
      name: 'overseer_system_ready',
      help: '1 while the system is ready (every required actor ready)',
      registers,
      collect() {
        this.set(self.systemReady() ? 1 : 0);
      },
    });
    this.controllers.register(prom, registers, nodes);
    return registry;
  }
}

function add(map: Map<string, number>, k: string, n: number): void {
  map.set(k, (map.get(k) ?? 0) + n);
}
