import type { BaseContext } from '@cifra/context';
import type { ProvisioningDeps } from './services/provision-tenant.service.ts';

export interface Context extends BaseContext {
  provisioning: ProvisioningDeps;
}
