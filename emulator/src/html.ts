/** Minimal HTML helpers for the server-rendered pages (consent page, dashboard). */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const BASE_CSS = `
  *{box-sizing:border-box}
  body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f8fc;color:#1f1f1f}
  header{background:#fff;border-bottom:1px solid #dadce0;padding:12px 24px;display:flex;gap:16px;align-items:center}
  header h1{font-size:18px;margin:0;font-weight:500}
  header nav a{margin-right:12px;color:#1a73e8;text-decoration:none;font-size:14px}
  main{max-width:1100px;margin:24px auto;padding:0 16px}
  .card{background:#fff;border:1px solid #dadce0;border-radius:8px;padding:16px 20px;margin-bottom:16px}
  .card h2{font-size:16px;margin:0 0 12px}
  .card h3{font-size:14px;margin:16px 0 8px;color:#444}
  table{border-collapse:collapse;width:100%;font-size:13px}
  th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top}
  th{color:#5f6368;font-weight:500}
  .muted{color:#5f6368;font-size:12px}
  .pill{display:inline-block;padding:1px 8px;border-radius:10px;background:#e8f0fe;color:#1967d2;font-size:12px}
  .pill.cancelled{background:#fce8e6;color:#c5221f}
  form.inline{display:inline}
  input,select,textarea{font:inherit;font-size:13px;padding:4px 6px;border:1px solid #dadce0;border-radius:4px}
  button{font:inherit;font-size:13px;padding:4px 12px;border-radius:4px;border:1px solid #1a73e8;background:#1a73e8;color:#fff;cursor:pointer}
  button.secondary{background:#fff;color:#1a73e8}
  button.danger{border-color:#c5221f;background:#fff;color:#c5221f}
  .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:8px;align-items:end}
  .grid label{display:flex;flex-direction:column;font-size:12px;color:#5f6368;gap:2px}
  details summary{cursor:pointer;color:#1a73e8;font-size:13px}
`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${BASE_CSS}</style></head><body>${body}</body></html>`;
}
