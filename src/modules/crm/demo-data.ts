/**
 * The demo records of the embedded default. Some contacts share their email with the demo users
 * (src/demo-users.ts), whom the bundled emulator knows as Google accounts, so meetings with them
 * link to CRM records during a demo; the others are plain customers.
 */
export interface DemoTenant {
  tenantId: string;
  ownerUserId: string;
  companies: { key: string; name: string; domain: string }[];
  contacts: { name: string; email: string; phone?: string; company?: string }[];
  deals: {
    name: string;
    stage: string;
    /** Hundredths of the currency unit. */
    amountCents: number;
    currency: string;
    company?: string;
    contactEmail?: string;
  }[];
}

export const DEMO_TENANTS: readonly DemoTenant[] = [
  {
    tenantId: 'default',
    ownerUserId: 'alice',
    companies: [
      { key: 'globex', name: 'Globex Corporation', domain: 'globex.example' },
      { key: 'initech', name: 'Initech', domain: 'initech.example' },
      { key: 'umbrella', name: 'Umbrella Health', domain: 'umbrella.example' },
    ],
    contacts: [
      { name: 'Bob Brown', email: 'bob@example.com', phone: '+1 555 0102', company: 'globex' },
      { name: 'Carol Chen', email: 'carol@example.com', phone: '+1 555 0103', company: 'initech' },
      { name: 'Hank Scorpio', email: 'hank@globex.example', phone: '+1 555 0110', company: 'globex' },
      { name: 'Peter Gibbons', email: 'peter@initech.example', company: 'initech' },
      {
        name: 'Joanna Walsh',
        email: 'joanna@umbrella.example',
        phone: '+44 20 7946 0123',
        company: 'umbrella',
      },
      { name: 'Samir Nagheenanajar', email: 'samir@initech.example', company: 'initech' },
    ],
    deals: [
      {
        name: 'Globex renewal 2027',
        stage: 'proposal',
        amountCents: 4_800_000,
        currency: 'USD',
        company: 'globex',
        contactEmail: 'hank@globex.example',
      },
      {
        name: 'Initech TPS rollout',
        stage: 'qualified',
        amountCents: 1_250_000,
        currency: 'EUR',
        company: 'initech',
        contactEmail: 'peter@initech.example',
      },
      { name: 'Umbrella pilot', stage: 'open', amountCents: 300_000, currency: 'GBP', company: 'umbrella' },
    ],
  },
  {
    tenantId: 'acme',
    ownerUserId: 'dave',
    companies: [{ key: 'wayne', name: 'Wayne Enterprises', domain: 'wayne.example' }],
    contacts: [
      { name: 'Alice Anders', email: 'alice@example.com', company: 'wayne' },
      { name: 'Lucius Fox', email: 'lucius@wayne.example', phone: '+1 555 0190', company: 'wayne' },
    ],
    deals: [
      {
        name: 'Wayne fleet upgrade',
        stage: 'negotiation',
        amountCents: 9_900_000,
        currency: 'USD',
        company: 'wayne',
        contactEmail: 'lucius@wayne.example',
      },
    ],
  },
];
