/**
 * Prometheus metrics in a private prom-client registry: counters fed by bus events (exits by
 * reason, dropped messages, store appends) and gauges read from the tree at scrape time
 * (readiness, mailbox depth, restarts), so nothing is counted twice across control-plane restarts.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { EventEnvelope } from '../events/catalogue.js';
import type { EventBus } from '../events/index.js';
import type { StatusNode } from '../system/status.js';
import { walk } from '../admin/routes/tree.js';

export class RuntimeMetrics {
  readonly registry = new Registry();
  private readonly exits: Counter<'path' | 'reason'>;
  private readonly dropped: Counter<'path' | 'policy'>;
  private readonly appended: Counter;

  constructor(
    status: () => StatusNode,
    bus: EventBus,
    systemReady: () => boolean,
  ) {
    const registers = [this.registry];
    this.exits = new Counter({ name: 'overseer_actor_exits_total', help: 'Actor exits by reason', labelNames: ['path', 'reason'], registers });
    this.dropped = new Counter({ name: 'overseer_mailbox_dropped_messages_total', help: 'Messages lost to mailbox overflow', labelNames: ['path', 'policy'], registers });
    this.appended = new Counter({ name: 'overseer_store_appended_events_total', help: 'Events appended to the store', registers });
    const nodes = () => walk(status());
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
        for (const s of bus.stats()) this.set({ subscriber: s.name, mode: s.mode }, s.dropped);
      },
    });
    // Figures the event-store actors report about themselves (StatusNode.info).
    const reported = (behaviour: string) => [...nodes()].filter((n) => n.behaviour === behaviour && n.info !== undefined);
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
        this.set(systemReady() ? 1 : 0);
      },
    });
  }

  observe(event: EventEnvelope): void {
    const d = event.data as Record<string, unknown>;
    if (event.type === 'child_exited') this.exits.inc({ path: String(d.path), reason: String(d.reason) });
    else if (event.type === 'messages_dropped') this.dropped.inc({ path: String(d.path), policy: String(d.policy) }, Number(d.count) || 0);
    else if (event.type === 'events_appended') this.appended.inc(Math.max(0, Number(d.toVersion) - Number(d.fromVersion) + 1));
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
