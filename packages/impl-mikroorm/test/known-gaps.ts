import type { KnownGap } from '@dal/testkit';

/** Contract tests this implementation cannot pass, with the reason. The target is an empty list. */
export const knownGaps: readonly KnownGap[] = [];
