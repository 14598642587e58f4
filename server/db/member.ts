import type { SiteRole } from './database';

/**
 * A member as the rest of the application sees them. It lives this low because sessions find
 * one, the policy judges one and every page shows one, all beneath members/.
 */
export interface Member {
  id: string;
  name: string;
  role: SiteRole;
}
