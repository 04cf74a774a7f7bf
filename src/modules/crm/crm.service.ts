import { CompanyService } from './companies.service.js';
import { ContactService } from './contacts.service.js';
import type { CrmDeps } from './crm.common.js';
import { DealService } from './deals.service.js';

/** The minimal CRM records the calendar links to, one service per record type. */
export class CrmService {
  readonly companies: CompanyService;
  readonly contacts: ContactService;
  readonly deals: DealService;

  constructor(deps: CrmDeps) {
    this.companies = new CompanyService(deps);
    this.contacts = new ContactService(deps);
    this.deals = new DealService(deps);
  }
}
