/**
 * The demo users of the embedded default: what the dev sign-in page offers, whom the embedded
 * emulator knows as Google accounts, and who owns the seeded CRM records.
 */
export interface DemoUser {
  tenantId: string;
  userId: string;
  name: string;
  email: string;
}

export const DEMO_USERS: readonly DemoUser[] = [
  { tenantId: 'default', userId: 'alice', name: 'Alice Anders', email: 'alice@example.com' },
  { tenantId: 'default', userId: 'bob', name: 'Bob Brown', email: 'bob@example.com' },
  { tenantId: 'default', userId: 'carol', name: 'Carol Chen', email: 'carol@example.com' },
  { tenantId: 'acme', userId: 'dave', name: 'Dave Diaz', email: 'dave@acme.example' },
];

export function findDemoUser(tenantId: string, userId: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.tenantId === tenantId && user.userId === userId);
}
