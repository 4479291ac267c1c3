export { canonicalCollectionKey } from './canonical-collection-key.js';
export {
  type CanonicalCollection,
  type CanonicalCollectionsChange,
  listCanonicalCollections,
  setCanonicalCollections,
} from './canonical-collections.js';
export {
  CANONICAL_COLLECTIONS_TABLE,
  CERTIFIED_INSERT_GUARD_TRIGGER,
  CERTIFY_FUNCTION,
  CERTIFY_TRIGGER,
  GUARDED_COLUMNS,
  type GuardedColumn,
  PROMOTE_FUNCTION,
  PROMOTION_PASS_TABLE,
  PROMOTION_PROPOSER,
} from './certify-objects.js';
export { certifySteps } from './certify-steps.js';
export { type PromoteInput, promote, promotionErrorFrom, promotionScope } from './promote.js';
export { DEFAULT_REFILE_LIMIT } from './refile-limit.js';
export { refilePromotionRequests } from './refile-promotions.js';
