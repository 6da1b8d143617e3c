/**
 * The behaviour registry: names → XState actor logic. Built-ins are registered by the runtime,
 * embedders pass more to startSystem, config files add `module:` references. Config
 * validation checks names against it, so an unknown behaviour never fails at run time.
 */
import type { AnyActorLogic } from 'xstate';
import { InvalidBehaviourError } from '../shared/errors.js';
import { isActorLogic } from './logic-traits.js';

export class BehaviourRegistry {
  private readonly logic = new Map<string, AnyActorLogic>();

  constructor(entries: Iterable<[string, AnyActorLogic]> = []) {
    for (const [name, logic] of entries) this.register(name, logic);
  }

  register(name: string, logic: AnyActorLogic): this {
    if (!isActorLogic(logic)) throw new InvalidBehaviourError(name);
    this.logic.set(name, logic);
    return this;
  }

  get(name: string): AnyActorLogic {
    const logic = this.logic.get(name);
    if (!logic) throw new Error(`overseer: behaviour "${name}" is not registered`); // validated at load: a runtime bug if reached
    return logic;
  }

  names(): ReadonlySet<string> {
    return new Set(this.logic.keys());
  }
}
