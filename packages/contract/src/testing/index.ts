/**
 * Conformance kits: a replacement block runs the kit for the port it implements against itself,
 * inside its own vitest suite. This is how a swapped-in package proves it fits.
 */
export { type ApprovalGateCast, describeApprovalGateConformance } from './approval-gate-conformance.js';
export {
  approveWithDemoLogins,
  type ConnectAs,
  DEMO_APPROVERS,
  DEMO_LOGIN_LIFETIME_SECONDS,
  DEMO_LOGIN_PREFIX,
  type DemoApprover,
  type DemoLogin,
  type DemoSession,
  voteWithDemoLogins,
  withDemoLogins,
} from './demo-approvers.js';
export { describeEvidenceSinkConformance, forgedEvidenceOfEachKind } from './evidence-sink-conformance.js';
export { describeInspectorConformance, type InspectorCase } from './inspector-conformance.js';
export {
  checkListenPortCloseStopsDelivery,
  checkListenPortDelivers,
  checkListenPortPingRejectsWhenDead,
  checkListenPortReportsLostOnce,
  describeListenPortConformance,
  type ListenPortConformanceSetup,
} from './listen-port-conformance.js';
export {
  type ChannelProvocation,
  checkNeverCallsRunner,
  checkNothingRunsAfterStop,
  checkRunsWhenProvoked,
  countingRunner,
  describeProducerChannelConformance,
} from './producer-channel-conformance.js';
export { describeQueryableConformance } from './queryable-conformance.js';
export { runReportFixture } from './run-report-fixture.js';
export { describeStepConformance } from './step-conformance.js';
