import type { EndpointOutcome } from '../shared/runs';

export function describeEndpoint(result: EndpointOutcome): string {
  const where = `${result.id} ${result.host}:${result.port}${result.address && result.address !== result.host ? ` (${result.address})` : ''}`;
  if (result.problem) return `ERROR     ${where}: [${result.problem.code}] ${result.problem.message}`;
  const verdicts = Object.entries(result.protocols)
    .map(([name, verdict]) => `${name}=${verdict}`)
    .join(' ');
  return `${result.compliant ? 'COMPLIANT ' : 'VIOLATION '} ${where}: ${verdicts}`;
}

export function describeEndpointDetails(result: EndpointOutcome): string[] {
  const lines: string[] = [];
  if (result.certificate)
    lines.push(
      `    certificate: ${result.certificate.subject}, expires ${result.certificate.validTo} (${result.certificate.daysRemaining} days), ${result.certificate.trusted ? 'trusted' : 'NOT trusted'}`,
    );
  for (const finding of result.findings)
    lines.push(`    ${finding.severity.padEnd(8)} ${finding.id}: ${finding.message}`);
  return lines;
}
