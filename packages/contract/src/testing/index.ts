/**
 * Conformance kits: a replacement block runs the kit for the port it implements against itself,
 * inside its own vitest suite. This is how a swapped-in package proves it fits.
 */
export { type ApprovalGateCast, describeApprovalGateConformance } from './approval-gate-conformance.js';
export {
  approveWithDemoLogins,
  DEMO_APPROVERS,
  type DemoSession,
  ensureDemoApprovers,
} from './demo-approvers.js';
export { describeEvidenceSinkConformance, forgedEvidenceOfEachKind } from './evidence-sink-conformance.js';
export { describeInspectorConformance, type InspectorCase } from './inspector-conformance.js';
export { countingRunner, describeProducerChannelConformance } from './producer-channel-conformance.js';
export { describeQueryableConformance } from './queryable-conformance.js';
export { describeStepConformance } from './step-conformance.js';
