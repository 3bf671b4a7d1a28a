// Runs graphql-http's server audit against a GraphQL-over-HTTP endpoint and prints one JSON
// report on stdout: {"counts": {...}, "results": [...]}. Usage: node audit.mjs URL
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const results = await auditServer({ url });
const report = { counts: { ok: 0, notice: 0, warn: 0, error: 0 }, results: [] };
for (const result of results) {
  report.counts[result.status] += 1;
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.responseStatus = result.response.status;
    entry.responseContentType = result.response.headers.get('content-type');
    try {
      entry.responseBody = (await result.response.text()).slice(0, 500);
    } catch {
      entry.responseBody = '(body already read)';
    }
  }
  report.results.push(entry);
}
console.log(JSON.stringify(report, null, 2));
