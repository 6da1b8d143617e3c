/**
 * Overseer's public API: start a supervision tree, check a spec, and the types and errors
 * users handle. Everything else is internal.
 */
export { startSystem, type StartSystemOptions } from './system/start-system.js';
export type { System, SystemExit } from './system/system.js';
export type { WorkerRef } from './system/worker-ref.js';
export type { StatusNode } from './system/status.js';
export { runtimeOf, type ActorRuntime } from './system/context.js';
export { STOP_EVENT, READY_TAG, BUSY_TAG, DRAIN_EVENT, PARAMS_EVENT, readyBySignal, stopsBySignal, handlesParams } from './actors/logic-traits.js';
export type { ParamsUpdate, ParamsSource } from './reconfigure/params.js';
export type { ParamsHistoryEntry } from './reconfigure/history.js';
export type { Message, ActorStatus } from './actors/cell.js';
export type { AskOptions } from './actors/reply.js';
export type { ExitReason } from './actors/exit-reasons.js';
export { loadSpecFile, loadSpecObject, checkFiles, systemJsonSchema } from './spec/index.js';
export type * from './spec/types.js';
export type { EventEnvelope, RuntimeEvent, RuntimeEventType, RuntimeEventData, EventInput } from './events/catalogue.js';
export type { Subscription, SubscribeOptions } from './events/index.js';
export type { SystemEvents, EventOf, TypedSubscribeOptions } from './system/system-events.js';
export type { ChildInfo, ChildCounts } from './supervisor/supervisor.js';
export { planChanges, type PlanStep, type PlanOp, type SupervisorSettings, type ApplyResult, type ApplyOptions, type ApplySource } from './reconfigure/index.js';
export * from './shared/errors.js';
export { systemClock, type Clock } from './shared/clock.js';
export { eventStore, eventStoreClient, type EventStoreClient } from './eventstore/client.js';
export { EventSink } from './eventstore/notification/sink.js';
export type { StoredEvent, NewEvent, ExpectedVersion, AppendResult, StreamInfo } from './eventstore/model.js';
export { WrongExpectedVersionError, EventIdConflictError, InvalidStoreRequestError, StoreUnavailableError } from './eventstore/errors.js';
export type { MembershipView } from './eventstore/cluster/membership.js';
export { SchemaTooNewError } from './eventstore/postgres/migrations.js';
export { leadershipOf, type Leadership, type LeadershipState } from './supervisor/leadership.js';
export {
  resources,
  resourcesClient,
  ResourceWatch,
  defineController,
  lifecycle,
  parseSelector,
  WorkQueue,
  ExponentialRateLimiter,
  ResourceConflictError,
  ResourceExistsError,
  ResourceNotFoundError,
  UnknownKindError,
  InvalidResourceError,
  InvalidSelectorError,
  IllegalTransitionError,
} from './resources/index.js';
export type {
  ResourcesClient,
  ListOptions,
  WatchOptions,
  Resource,
  ResourceMetadata,
  ResourceStatus,
  ResourceList,
  KindInfo,
  WatchEvent,
  WatchEventType,
  ControllerHandlers,
  Reconcile,
  ReconcileContext,
  ReconcileResult,
  LifecycleOptions,
  Selector,
  ResourceProblem,
  ResourceErrorCode,
  WorkQueueStats,
} from './resources/index.js';
export {
  workflowBehaviours,
  workflows,
  workflowsClient,
  loadPlaybookFile,
  loadPlaybookText,
  loadPlaybookObject,
  playbookJsonSchema,
  decide,
  decideState,
  fold,
  executionView,
  executionStream,
  EXECUTION_EVENT_TYPES,
  BUILTIN_HANDLERS,
  NonRetryableError,
  WorkflowError,
  UnknownPlaybookError,
  InvalidWorkloadError,
  ExecutionNotFoundError,
  ExecutionExistsError,
  ExecutionFinishedError,
  TooManyExecutionsError,
  InvalidWorkflowRequestError,
} from './workflows/index.js';
export type {
  WorkflowBehaviourOptions,
  WorkflowsClient,
  LoadedPlaybook,
  PlaybookLoadOptions,
  Playbook,
  StepSpec,
  HandlerRef,
  Command,
  Decision,
  TaskSpec,
  ExecutionState,
  ExecutionView,
  StepView,
  ExecutionEventType,
  ExecutionEventData,
  AnyExecutionEvent,
  TaskContext,
  TaskHandler,
  TaskFunction,
  WorkflowErrorCode,
} from './workflows/index.js';
