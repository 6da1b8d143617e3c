/** The readiness banner from system events and /readyz?verbose. */
import { describe, expect, it } from 'vitest';
import { applyReadinessEvent, applyReadyz, headline, initialBanner, missingWithReasons, parseReadyz, type Banner } from '../../../../src/admin/ui/model/index.js';
import { event } from './fixtures.js';

const fold = (banner: Banner, ...events: ReturnType<typeof event>[]) => events.reduce((b, e, i) => applyReadinessEvent(b, e, 0, b.stamp + i + 1), banner);

describe('readiness banner', () => {
  it('starting → ready → degraded with the missing system and its reason → ready, each change logged', () => {
    const b = fold(
      initialBanner(),
      event('initialization_started', { expectedSystems: ['root/a', 'root/b'] }, 'root', '2026-01-02T03:04:05.000Z'),
      event('system_ready', { readySystems: ['root/a', 'root/b'], node: 'n1' }, 'root', '2026-01-02T03:04:06.000Z'),
      event('subsystem_failed', { system: 'root/b', reason: 'killed' }),
      event('system_degraded', { missingSystems: ['root/b'] }, 'root', '2026-01-02T03:04:07.000Z'),
    );
    expect(b.phase).toBe('degraded');
    expect(headline(b)).toBe('Degraded: 1 system not ready');
    expect(missingWithReasons(b)).toEqual([{ path: 'root/b', reason: 'killed' }]);
    const again = fold(b, event('subsystem_ready', { system: 'root/b' }), event('system_ready', { readySystems: [], node: 'n1' }, 'root', '2026-01-02T03:04:08.000Z'));
    expect(again.phase).toBe('ready');
    expect(again.log.map((t) => [t.phase, new Date(t.atMs).toISOString()])).toEqual([
      ['starting', '2026-01-02T03:04:05.000Z'],
      ['ready', '2026-01-02T03:04:06.000Z'],
      ['degraded', '2026-01-02T03:04:07.000Z'],
      ['ready', '2026-01-02T03:04:08.000Z'],
    ]);
  });

  it('systems_pending before any system_ready is starting; after one it is degraded', () => {
    const pending = event('systems_pending', { missingSystems: ['root/b'], readySystems: ['root/a'] });
    expect(fold(initialBanner(), pending).phase).toBe('starting');
    expect(fold(initialBanner(), event('system_ready', { readySystems: [], node: 'n' }), pending).phase).toBe('degraded');
    expect(fold(initialBanner(), event('system_stopping', {})).phase).toBe('stopping');
  });

  it('/readyz?verbose names the failing checks with their reasons; a failing shutdown check is stopping', () => {
    const text = '[+]root/a ok\n[-]root/b not ready: readiness_timeout\n[+]shutdown ok\nreadyz check failed\n';
    expect(parseReadyz(text)).toEqual([
      { name: 'root/a', ok: true, reason: 'ok' },
      { name: 'root/b', ok: false, reason: 'not ready: readiness_timeout' },
      { name: 'shutdown', ok: true, reason: 'ok' },
    ]);
    const b = applyReadyz(initialBanner(), text, 0, 0);
    expect([b.phase, missingWithReasons(b)]).toEqual(['starting', [{ path: 'root/b', reason: 'readiness_timeout' }]]);
    expect(applyReadyz(initialBanner(), '[+]root/a ok\n[-]shutdown stopping\n', 0, 0).phase).toBe('stopping');
    expect(applyReadyz(initialBanner(), '[+]root/a ok\n[+]shutdown ok\n', 0, 0)).toMatchObject({ phase: 'ready', everReady: true });
  });

  it('a /readyz answer asked for before the last readiness event is ignored', () => {
    const b = fold(initialBanner(), event('system_ready', { readySystems: [], node: 'n' }));
    expect(applyReadyz(b, '[-]root/a not ready: starting\n', b.stamp - 1, 0)).toBe(b);
    expect(applyReadyz(b, 'not the verbose format', b.stamp, 0)).toBe(b);
  });
});
