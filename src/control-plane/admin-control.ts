/**
 * The admin write API's view of the running system (AdminControl): the only way HTTP reaches
 * params, restarts, kills and apply. Built by the control plane from the system and the
 * admin spec; the token never leaves it (GET /config serves the spec with the token redacted).
 */
import type { AdminControl } from '../admin/write/routes.js';
import { ChildRunningError } from '../shared/errors.js';
import type { System } from '../system/system.js';

/** `adminUrl()`: where the endpoint listens once it does (its port makes its origins). */
export function adminControl(system: System, adminUrl: () => string | undefined): AdminControl {
  const { admin } = system.spec;
  return {
    access: {
      token: admin.token,
      hosts: [admin.host, ...admin.allowedHosts],
      port: () => {
        const url = adminUrl();
        return url === undefined ? undefined : Number(new URL(url).port);
      },
    },
    params: (path) => system.statusAt(path, 0)?.params as Readonly<Record<string, unknown>> | undefined,
    updateParams: (path, patch) => system.updateParams(path, patch, { source: 'api' }),
    history: (path) => system.paramsHistory(path),
    restart: async (path) => {
      // An operator's restart means a fresh instance whatever the state: OTP's restart_child
      // refuses a running child, so a running one is terminated first.
      try {
        return await system.restartChild(path);
      } catch (error) {
        if (!(error instanceof ChildRunningError)) throw error;
        await system.terminateChild(path);
        return system.restartChild(path);
      }
    },
    kill: (path) => system.kill(path),
    apply: (desired) => system.apply('spec' in desired ? desired.spec : desired, { source: 'api' }),
    config: () => redacted(system.spec),
  };
}

function redacted(spec: System['spec']): unknown {
  return { ...spec, admin: { ...spec.admin, ...(spec.admin.token !== undefined ? { token: '(redacted)' } : {}) } };
}
