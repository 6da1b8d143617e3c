/**
 * The control-plane behaviour: always the root's first child. It starts the bus, announces
 * the expected systems, folds lifecycle events into the readiness model, publishes the
 * system events that model decides, and serves the admin endpoint; ready once it listens.
 */
import { fromCallback } from 'xstate';
import type { EventEnvelope } from '../events/catalogue.js';
import { listenAdmin, type AdminServer } from '../admin/server.js';
import type { AdminView } from '../admin/view.js';
import { adminControl } from './admin-control.js';
import { runtimeOf } from '../system/context.js';
import { expectPath, forgetPath, initialReadiness, reduceReadiness } from './readiness-model.js';
import { RuntimeMetrics } from './metrics.js';
import { readyPaths } from './required.js';

export const CONTROL_PLANE_ID = 'control-plane';

type ControlPlaneEvent = { type: 'admin_failed'; error: Error };

export const controlPlane = fromCallback<ControlPlaneEvent>(({ self, emit, receive }) => {
  const rt = runtimeOf(self);
  const system = rt.system;
  const { spec, bus } = system;
  // From the live tree, not the static spec: a restarted control plane sees dynamic children too.
  const expected = system.requiredPaths().filter((p) => p !== rt.path);
  let state = initialReadiness(spec.node, expected, readyPaths(system.status()));
  const metrics = new RuntimeMetrics(() => system.status(), bus, () => state.systemReady && !system.stopping);
  const publish = (event: { type: string; data: unknown }) => bus.publishRuntime({ ...event, source: rt.path });

  const subscription = bus.subscribe('control-plane', {
    mode: 'critical',
    buffer: 10_000,
    lateJoin: true,
    handler: (event: EventEnvelope) => {
      metrics.observe(event);
      const next = membershipChange(event) ?? reduceReadiness(state, event);
      state = next.state;
      for (const e of next.emit) publish(e);
    },
  });
  /** Required actors join and leave the expected set as the live tree changes. */
  const membershipChange = (event: EventEnvelope) => {
    const path = (event.data as { path?: string }).path;
    if (path === undefined || path === rt.path) return undefined;
    if (event.type === 'child_started' && system.isRequired(path)) return expectPath(state, path);
    if (event.type === 'child_deleted') return forgetPath(state, path);
    return undefined;
  };
  bus.start(); // replays what the tree published while starting, then goes live
  if (!system.initialized) {
    // Once per system: a restarted control plane rebuilds its model silently from the tree.
    system.initialized = true;
    publish({ type: 'initialization_started', data: { expectedSystems: expected } });
    if (expected.length === 0) {
      state = { ...state, systemReady: true };
      publish({ type: 'system_ready', data: { readySystems: [], node: spec.node } });
    }
  }

  const view: AdminView = {
    system: spec.name,
    node: spec.node,
    live: () => system.live,
    readiness: () => state,
    stopping: () => system.stopping,
    status: () => system.status(),
    statusAt: (path, depth) => system.statusAt(path, depth),
    recentRestarts: (path) => system.recentRestarts(path),
    events: bus,
    metrics: () => metrics.render(),
    control: adminControl(system, () => server?.url),
  };

  let server: AdminServer | undefined;
  let stopped = false;
  if (spec.admin.port === false) {
    emit({ type: 'ready' });
  } else {
    listenAdmin(view, spec.admin.host, spec.admin.port).then(
      (s) => {
        if (stopped) return void s.close();
        server = s;
        system.adminUrl = s.url;
        rt.logger.info({ url: s.url }, 'admin endpoint listening');
        emit({ type: 'ready' });
      },
      (error: Error) => self.send({ type: 'admin_failed', error }),
    );
  }

  receive((event) => {
    // Crashing is the point: the supervisor restarts us, and gives up if the port stays taken.
    if (event.type === 'admin_failed') throw new Error(`admin endpoint cannot listen on ${spec.admin.host}:${String(spec.admin.port)}: ${event.error.message}`);
  });

  return () => {
    stopped = true;
    subscription.unsubscribe();
    if (server) {
      void server.close();
      if (system.adminUrl === server.url) system.adminUrl = undefined;
    }
  };
});
