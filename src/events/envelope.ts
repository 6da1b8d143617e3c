/**
 * Building the envelope on the publish hot path. `id` (nanoid) and `time` (ISO 8601) are
 * made on first read: most events are counted or filtered, few are serialized, and these two
 * cost more than the rest of a publish. Once read they never change.
 */
import { nanoid } from 'nanoid';
import type { EventEnvelope } from './catalogue.js';

export class Envelope implements EventEnvelope {
  private _id: string | undefined;
  private _time: string | undefined;

  constructor(
    readonly type: string,
    readonly category: string,
    readonly system: string,
    readonly node: string,
    readonly source: string,
    readonly data: unknown,
    /** ms since the epoch, from the bus clock */
    readonly at: number,
    /** Only its newest pending copy matters to a subscriber. */
    readonly coalesce: boolean,
  ) {}

  get id(): string {
    return (this._id ??= nanoid());
  }

  get time(): string {
    return (this._time ??= new Date(this.at).toISOString());
  }

  toJSON(): EventEnvelope {
    const { id, type, category, system, node, source, time, data } = this;
    return { id, type, category, system, node, source, time, data };
  }
}
