import { activationScope } from './rule-set-store.js';

/**
 * The governed way to activate a stored rule set, as commands a person runs: a
 * `rule_set_activation` approval for exactly the scope activateRuleSet consumes, the approvers'
 * votes, then the activation as the lane owner.
 */
export function activationSteps(version: string, hash: string): string[] {
  const scope = JSON.stringify(activationScope(version, hash));
  return [
    `birth-lane approvals request --action rule_set_activation --scope '${scope}' --risk high --reason "activate rule set ${version}"   (as a login holding birth_lane_governance; prints the request id)`,
    'birth-lane approvals vote <id> --approve   (as a president login and two ai_council logins, each its own)',
    `birth-lane rules activate ${version} --approval <id>   (as the lane owner)`,
  ];
}
