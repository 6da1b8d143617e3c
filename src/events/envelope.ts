/**
 * Building the envelope on the publish hot path. `id` (nanoid) and `time` (ISO 8601) are
 * made on first read: most events are counted or filtered, few are serialized, and these two
 * cost more than the rest of a publish. Once read they never change.
 */
import { newId } from '../shared/ids.js';
import { categoryOf, type EventEnvelope } from './catalogue.js';

interface BusSubscriberLike {
  readonly closed: boolean;
  readonly name: string;
  failures: number;
  accepted: number;
  pending: number;
  readonly handler: ((event: EventEnvelope) => void) | undefined;
}

/** What every event of one bus shares: read through the envelope, stored once. */
export interface Origin {
  readonly system: string;
  readonly node: string;
}

export class Envelope implements EventEnvelope {
  private _id: string | undefined;
  private _time: string | undefined;
  /** @internal Handler subscribers that took this event through the bus log (see bus.ts). */
  takers: readonly BusSubscriberLike[] | undefined = undefined;

  constructor(
    readonly type: string,
    /** undefined: derived from the type on first read */
    private _category: string | undefined,
    private readonly origin: Origin,
    readonly source: string,
    readonly data: unknown,
    /** ms since the epoch, from the bus clock */
    readonly at: number,
    /** Only its newest pending copy matters to a subscriber. */
    readonly coalesce: boolean,
  ) {}

  get category(): string {
    return (this._category ??= categoryOf(this.type));
  }

  get system(): string {
    return this.origin.system;
  }

  get node(): string {
    return this.origin.node;
  }

  get id(): string {
    return (this._id ??= newId());
  }

  get time(): string {
    return (this._time ??= new Date(this.at).toISOString());
  }

  toJSON(): EventEnvelope {
    // takers is internal and never serialized
    const { id, type, category, system, node, source, time, data } = this;
    return { id, type, category, system, node, source, time, data };
  }
}
