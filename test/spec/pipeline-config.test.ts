/**
 * Config problems of pipelines and significant children, positioned like every other:
 * inputs that name nothing, a supervisor or the same producer twice, cycles (at the input
 * that closes them), and OTP's checks of `significant` (never permanent, never under never).
 */
import { describe, expect, it } from 'vitest';
import { problemsOf, withChildren } from './helpers.js';

const line = (a: string, b: string) => withChildren(`    - id: line\n      autoShutdown: all_significant\n      children:\n${a}${b}`);

describe('pipeline inputs in a config', () => {
  it('accepts sibling ids and paths from root, across supervisors', async () => {
    const text = withChildren(
      '    - id: src\n      behaviour: counter\n    - id: group\n      children:\n        - id: a\n          behaviour: counter\n          inputs: [root/src]\n        - id: b\n          behaviour: counter\n          inputs: [a, root/src]\n',
    );
    expect(await problemsOf(text)).toEqual([]);
  });

  it.each([
    ['an unknown actor', withChildren('    - id: a\n      behaviour: counter\n      inputs: [nobody]\n'), ['FILE:8:16: spec.children[0].inputs[0]: no actor "root/nobody" in this file (inputs name sibling ids or paths such as root/a/b)']],
    [
      'a supervisor',
      withChildren('    - id: g\n      children: []\n    - id: a\n      behaviour: counter\n      inputs: [g]\n'),
      ['FILE:10:16: spec.children[1].inputs[0]: "root/g" is a supervisor; inputs name workers'],
    ],
    [
      'the same producer twice',
      withChildren('    - id: p\n      behaviour: counter\n    - id: a\n      behaviour: counter\n      inputs: [p, root/p]\n'),
      ['FILE:10:19: spec.children[1].inputs[1]: "root/p" is listed twice'],
    ],
    ['itself', withChildren('    - id: a\n      behaviour: counter\n      inputs: [a]\n'), ['FILE:8:16: spec.children[0].inputs[0]: inputs form a cycle: root/a ← root/a']],
    [
      'a cycle of three',
      withChildren('    - id: a\n      behaviour: counter\n      inputs: [c]\n    - id: b\n      behaviour: counter\n      inputs: [a]\n    - id: c\n      behaviour: counter\n      inputs: [b]\n'),
      ['FILE:11:16: spec.children[1].inputs[0]: inputs form a cycle: root/a ← root/c ← root/b ← root/a'],
    ],
    ['inputs on a supervisor', withChildren('    - id: g\n      inputs: [x]\n      children: []\n'), ['FILE:7:7: spec.children[0].inputs: "inputs" applies only to workers']],
  ])('rejects inputs naming %s', async (_name, text, expected) => {
    expect(await problemsOf(text)).toEqual(expected);
  });
});

describe('significant children and autoShutdown in a config', () => {
  it('accepts transient and temporary significant children under an autoShutdown supervisor', async () => {
    const text = line('        - id: a\n          behaviour: counter\n          restart: transient\n          significant: true\n', '        - id: b\n          behaviour: counter\n          restart: temporary\n          significant: true\n');
    expect(await problemsOf(text)).toEqual([]);
  });

  it.each([
    [
      'a permanent significant child (OTP bad_combination)',
      line('        - id: a\n          behaviour: counter\n          significant: true\n', ''),
      ['FILE:11:24: spec.children[0].children[0].significant: a significant child must be transient or temporary, not permanent (it would never complete)'],
    ],
    [
      'a significant child of a supervisor without autoShutdown',
      withChildren('    - id: a\n      behaviour: counter\n      restart: transient\n      significant: true\n'),
      ['FILE:9:20: spec.children[0].significant: significant: true needs a parent supervisor with autoShutdown any_significant or all_significant'],
    ],
    ['autoShutdown on a worker', withChildren('    - id: a\n      behaviour: counter\n      autoShutdown: any_significant\n'), ['FILE:8:7: spec.children[0].autoShutdown: "autoShutdown" applies only to supervisors']],
    [
      'an unknown autoShutdown',
      withChildren('    - id: g\n      autoShutdown: sometimes\n      children: []\n'),
      ['FILE:7:21: spec.children[0].autoShutdown: invalid value "sometimes"; expected one of never | any_significant | all_significant'],
    ],
  ])('rejects %s', async (_name, text, expected) => {
    expect(await problemsOf(text)).toEqual(expected);
  });
});
