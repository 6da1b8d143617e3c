/** What leaves src/events: the bus, its subscription types, and the event catalogue. */
export { EventBus, type BusOptions, type PublishInput, type SubscriberStats } from './bus.js';
export type { Subscription, SubscribeOptions, DropInfo } from './subscription.js';
export type { GatherOptions, GatherResult } from './scatter-gather.js';
export type { RecentQuery, RingCursor } from './recent-events.js';
export * from './catalogue.js';
