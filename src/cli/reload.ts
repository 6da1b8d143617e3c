/**
 * Reloading the config file of `overseer start` into the running tree (DESIGN §10): on SIGHUP,
 * and with `--watch` whenever the file or one of its `module:` files changes (debounced). Each reload is a system.apply(); a
 * broken file is logged problem by problem and the tree keeps running as it was.
 */
import { watch, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, formatProblem } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { ChildSpec } from '../spec/types.js';
import type { System } from '../system/system.js';

/** Editors write a file in bursts (truncate, write, rename): one apply per burst. */
export const WATCH_DEBOUNCE_MS = 200;

export interface ConfigReloader {
  /** Applies the file now; resolves when that apply settled (never rejects). */
  reload(trigger: string): Promise<void>;
  close(): void;
}

export function reloadConfig(system: System, file: string, logger: Logger, options: { watch: boolean }): ConfigReloader {
  const path = resolve(file);
  const reload = async (trigger: string): Promise<void> => {
    logger.info({ file: path, trigger }, 'reloading config');
    try {
      const result = await system.apply(path, { source: 'file' });
      logger.info({ file: path, trigger, ...result }, 'config reloaded');
    } catch (error) {
      if (!(error instanceof ConfigError)) return void logger.error({ err: error, file: path, trigger }, 'config reload failed; the tree keeps running');
      for (const p of error.problems) logger.warn({ problem: formatProblem(p) }, 'config rejected');
      logger.warn({ file: path, trigger, problems: error.problems.length }, 'config rejected: nothing changed, the tree keeps running');
    }
  };
  const onHup = () => void reload('SIGHUP');
  process.on('SIGHUP', onHup);

  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const rewatch = () => {
    for (const w of watchers) w.close();
    // The file and the `module:` files the running spec names (a reload may change which).
    const files = new Set([path, ...moduleFiles(system.spec.root)]);
    // Directories, not files: an editor that saves by rename leaves a file watcher on the old inode.
    watchers = [...new Set([...files].map((f) => dirname(f)))].map((dir) => {
      const watcher = watch(dir, (_event, name) => {
        if (name === null || !files.has(join(dir, name.toString()))) return;
        clearTimeout(timer);
        timer = setTimeout(() => void reload('watch').then(rewatch), WATCH_DEBOUNCE_MS);
      });
      watcher.on('error', (error) => logger.warn({ err: error, dir }, 'config watch stopped'));
      return watcher;
    });
    return files;
  };
  if (options.watch) logger.info({ files: [...rewatch()] }, 'watching the config file and its modules');
  return {
    reload,
    close: () => {
      process.off('SIGHUP', onHup);
      clearTimeout(timer);
      for (const w of watchers) w.close();
      watchers = [];
    },
  };
}

/** The files of the `module:` workers in a spec (their behaviour keys are `module:/abs/file.js#export`). */
function moduleFiles(spec: ChildSpec): string[] {
  if (spec.kind === 'supervisor') return spec.children.flatMap(moduleFiles);
  return spec.behaviour.startsWith('module:') ? [spec.behaviour.slice('module:'.length, spec.behaviour.lastIndexOf('#'))] : [];
}
