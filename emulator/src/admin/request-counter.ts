/**
 * Counts Google-surface requests (Calendar API methods by discovery id, plus `oauth.token` and
 * `oauth.revoke`), rejected ones included, so benchmarks can count what a client asked Google.
 */
export class RequestCounter {
  private total = 0;
  private byMethod = new Map<string, number>();

  count(methodId: string): void {
    this.total++;
    this.byMethod.set(methodId, (this.byMethod.get(methodId) ?? 0) + 1);
  }

  reset(): void {
    this.total = 0;
    this.byMethod.clear();
  }

  snapshot(): { total: number; byMethod: Record<string, number> } {
    return { total: this.total, byMethod: Object.fromEntries([...this.byMethod].sort()) };
  }
}
