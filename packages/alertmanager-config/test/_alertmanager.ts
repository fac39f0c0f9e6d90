/** Posts alerts to Alertmanager's v2 API. */
export async function postAlerts(baseUrl: string, alerts: readonly Record<string, string>[], init: RequestInit = {}): Promise<void> {
  const res = await fetch(`${baseUrl}/api/v2/alerts`, {
    ...init,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    body: JSON.stringify(alerts.map((labels) => ({ labels, annotations: { summary: `${labels.alertname} on ${labels.node ?? '?'}` } }))),
  });
  if (!res.ok) throw new Error(`POST /api/v2/alerts: ${res.status} ${await res.text()}`);
}
